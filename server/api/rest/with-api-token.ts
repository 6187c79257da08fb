/**
 * The one place REST requests are authenticated and authorized: a workspace API token in
 * `Authorization: Bearer <token>`, acting with the ADMIN role of its workspace, checked against the same
 * permission table as the UI. Every id a handler looks up is then scoped to that workspace, so another
 * workspace's ids answer 404.
 */
import type { Role } from "~/server/db/generated/client";
import { AppError } from "~/server/lib/errors";
import type { Actor } from "~/server/services/audit/record-audit-entry";
import { authenticateApiToken } from "~/server/services/api-tokens/authenticate-api-token";
import { hasPermission, type Permission } from "~/server/services/workspaces/permissions";
import { errorResponse, toErrorResponse } from "./errors";

/** API tokens are created by admins and act with that role in their workspace. */
const API_TOKEN_ROLE: Role = "ADMIN";

export type RestContext = {
  workspaceId: string;
  role: Role;
  /** Audit entries name the token, never its value. */
  actor: Actor;
  /** The token's id, recorded on the runs it triggers. */
  apiTokenId: string;
};

export type RouteParams = { params: Promise<Record<string, string | string[] | undefined>> };

export type RestHandler = (request: Request, context: RestContext & { params: Record<string, string> }) => Promise<Response>;

function readBearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

async function readParams(route: RouteParams | undefined): Promise<Record<string, string>> {
  // Next.js passes a params promise that resolves to undefined on routes without dynamic segments.
  const raw = (route ? await route.params : undefined) ?? {};
  return Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])));
}

export function withApiToken(handler: RestHandler, options: { permission: Permission }) {
  return async (request: Request, route?: RouteParams): Promise<Response> => {
    const where = { method: request.method, path: new URL(request.url).pathname };
    try {
      const token = readBearerToken(request);
      if (!token) {
        return errorResponse("UNAUTHORIZED", "Send a workspace API token as `Authorization: Bearer <token>` (create one on the workspace's Settings page).");
      }
      const identity = await authenticateApiToken({ token });
      if (!identity) return errorResponse("UNAUTHORIZED", "The API token is not valid or has been revoked.");
      if (!hasPermission(API_TOKEN_ROLE, options.permission)) {
        throw new AppError("FORBIDDEN", `API tokens cannot do this: it needs ${options.permission}.`);
      }
      return await handler(request, {
        workspaceId: identity.workspaceId,
        role: API_TOKEN_ROLE,
        actor: { userId: null, label: `API token "${identity.tokenName}"` },
        apiTokenId: identity.tokenId,
        params: await readParams(route),
      });
    } catch (error) {
      return toErrorResponse(error, where);
    }
  };
}

/**
 * Route handlers that the signed-in UI calls outside tRPC (file uploads stream a raw body, which
 * tRPC's JSON cannot): the session cookie, the same-origin rule tRPC uses (./same-origin.ts: cookies ride
 * along on cross-site requests), workspace
 * membership (non-members get 404) and a permission from the one table.
 */
import type { Role } from "~/server/db/generated/client";
import { auth } from "~/server/auth";
import { getAppUrl } from "~/server/lib/app-url";
import { AppError } from "~/server/lib/errors";
import type { Actor } from "~/server/services/audit/record-audit-entry";
import { getWorkspaceMembership } from "~/server/services/workspaces/get-workspace-membership";
import { hasPermission, type Permission } from "~/server/services/workspaces/permissions";
import { toErrorResponse } from "./rest/errors";
import { checkSameOrigin, checkSameOriginDownload } from "./same-origin";

export type WorkspaceSessionContext = { workspaceId: string; role: Role; actor: Actor; params: Record<string, string> };

type RouteParams = { params: Promise<{ workspaceId: string } & Record<string, string>> };

export function withWorkspaceSession(
  handler: (request: Request, context: WorkspaceSessionContext) => Promise<Response>,
  /** `download`: a GET that changes nothing and answers an attachment, started by a plain link (see checkSameOriginDownload). */
  options: { permission: Permission; download?: boolean },
) {
  return async (request: Request, route: RouteParams): Promise<Response> => {
    const where = { method: request.method, path: new URL(request.url).pathname };
    try {
      const appOrigin = new URL(getAppUrl(request)).origin;
      const isDownload = options.download === true && request.method === "GET";
      const sameOrigin = isDownload ? checkSameOriginDownload(request.headers, appOrigin) : checkSameOrigin(request.headers, appOrigin);
      if (!sameOrigin.ok) throw new AppError("FORBIDDEN", sameOrigin.reason);
      const session = await auth();
      const userId = session?.user?.id;
      if (!userId) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
      const params = await route.params;
      const { workspaceId } = params;
      const membership = await getWorkspaceMembership({ workspaceId, userId });
      if (!membership) throw new AppError("NOT_FOUND", "Workspace not found");
      if (!hasPermission(membership.role, options.permission)) {
        throw new AppError("FORBIDDEN", `Your role (${membership.role.toLowerCase()}) cannot do this: it needs ${options.permission}.`);
      }
      const actor = { userId, label: session.user.email ?? userId };
      return await handler(request, { workspaceId, role: membership.role, actor, params });
    } catch (error) {
      return toErrorResponse(error, where);
    }
  };
}

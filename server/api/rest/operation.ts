/**
 * A REST operation is declared once: method, path, permission, the zod schemas of its parameters, body
 * and response, and a thin `handle` that calls one service. The route files export `toRouteHandler(op)`
 * and the OpenAPI document is generated from the same declarations, so the two cannot drift apart.
 */
import { z } from "zod";
import type { Permission } from "~/server/services/workspaces/permissions";
import { AppError } from "~/server/lib/errors";
import { withBodyLimit } from "../body-limit";
import { toFieldErrors } from "./errors";
import { withApiToken, type RestContext } from "./with-api-token";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject<z.ZodRawShape>;

export type Operation<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> = {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/connections/{id}`; `{id}` is the route folder `[id]`. */
  path: string;
  tag: "Connections" | "Syncs" | "Runs";
  summary: string;
  description?: string;
  permission: Permission;
  params?: P;
  query?: Q;
  body?: { schema: B; required: boolean; description?: string };
  response: { status: 200 | 201 | 202; description: string; schema: R };
  /** Error statuses this operation can answer besides 401 and 500. */
  errors: (400 | 403 | 404 | 409)[];
  handle(input: { ctx: RestContext; params: z.output<P>; query: z.output<Q>; body: z.output<B> }): Promise<z.input<R>>;
};

export function defineOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(op: Operation<P, Q, B, R>): Operation<P, Q, B, R> {
  return op;
}

function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fieldErrors = toFieldErrors(result.error, what);
  const summary = Object.entries(fieldErrors)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  throw new AppError("BAD_REQUEST", `The ${what} is not valid: ${summary}`, { fieldErrors });
}

async function readJsonBody(request: Request, required: boolean): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") {
    if (required) throw new AppError("BAD_REQUEST", "This request needs a JSON body.");
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON.");
  }
}

export function toRouteHandler<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, R extends z.ZodType>(op: Operation<P, Q, B, R>) {
  const handler = withApiToken(
    async (request, ctx) => {
      const params = parseInput(op.params ?? z.object({}), ctx.params, "path") as z.output<P>;
      const query = parseInput(op.query ?? z.object({}), Object.fromEntries(new URL(request.url).searchParams), "query string") as z.output<Q>;
      const body = (op.body ? parseInput(op.body.schema, await readJsonBody(request, op.body.required), "request body") : undefined) as z.output<B>;
      const result = await op.handle({ ctx, params, query, body });
      // The response schema is the contract: unknown fields are dropped, a mismatch is a server bug (500).
      return Response.json(op.response.schema.parse(result), { status: op.response.status });
    },
    { permission: op.permission },
  );
  // The size limit comes first: even a request without a valid token is refused before its body is read.
  return withBodyLimit(handler);
}

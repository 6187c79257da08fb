/**
 * tRPC setup: context, error formatting and the procedure builders. Edit this file only to change
 * how every procedure authenticates or authorizes.
 *
 * 1. CONTEXT: the session (cookie) and the request's base URL.
 * 2. INITIALIZATION: superjson, and AppError → tRPC codes with field errors for forms.
 * 3. PROCEDURES: public, protected (signed in), workspace (member + permission from the table).
 */
import { initTRPC, TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { AppError, type AppErrorCode } from "~/server/lib/errors";
import { redactKnownSecretsDeep } from "~/server/connectors/redact-secrets";
import { logger } from "~/server/lib/logger";
import { getWorkspaceMembership } from "~/server/services/workspaces/get-workspace-membership";
import { hasPermission, type Permission } from "~/server/services/workspaces/permissions";

// 1. CONTEXT
export type TRPCContext = { session: Session | null; appUrl: string };

export function createTRPCContext(opts: { session: Session | null; appUrl: string }): TRPCContext {
  return opts;
}

// 2. INITIALIZATION
/** Procedure metadata: workspace procedures must name the permission they need. */
export type ProcedureMeta = { scope?: "public" | "user" | "workspace"; permission?: Permission };

const APP_TO_TRPC: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
};

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      // Whatever a procedure let through, no secret this process decrypted leaves in an answer.
      return redactKnownSecretsDeep({
        ...shape,
        data: {
          ...shape.data,
          stack: undefined,
          zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
          fieldErrors: cause instanceof AppError ? (cause.details.fieldErrors ?? null) : null,
        },
      });
    },
  });

/** Services throw AppError; clients see the matching tRPC code and the same message. */
const mapAppErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: APP_TO_TRPC[cause.code], message: cause.message, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") logger.error("tRPC procedure failed", { path, error: result.error.cause ?? result.error });
  }
  return result;
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

// 3. PROCEDURES
export const publicProcedure = t.procedure.meta({ scope: "public" }).use(mapAppErrors);

export const protectedProcedure = t.procedure
  .meta({ scope: "user" })
  .use(mapAppErrors)
  .use(({ ctx, next }) => {
    if (!ctx.session?.user?.id) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
    const user = { id: ctx.session.user.id, email: ctx.session.user.email ?? "", name: ctx.session.user.name ?? null };
    return next({ ctx: { user, actor: { userId: user.id, label: user.email } } });
  });

/**
 * Every workspace-scoped procedure: loads the membership in one query, answers NOT_FOUND to
 * non-members (so existence is not leaked) and FORBIDDEN to roles without the procedure's
 * permission. A procedure without a permission in its meta fails closed.
 */
export const workspaceProcedure = protectedProcedure
  .meta({ scope: "workspace" })
  .input(z.object({ workspaceId: z.string().min(1) }))
  .use(async ({ ctx, input, meta, next }) => {
    const membership = await getWorkspaceMembership({ workspaceId: input.workspaceId, userId: ctx.user.id });
    if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Workspace not found" });
    const permission = meta?.permission;
    if (!permission) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Procedure has no permission classification" });
    if (!hasPermission(membership.role, permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${membership.role.toLowerCase()}) cannot do this: it needs ${permission}.` });
    }
    return next({ ctx: { workspace: membership.workspace, role: membership.role } });
  });

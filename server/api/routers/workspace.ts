import { z } from "zod";
import { createTRPCRouter, protectedProcedure, workspaceProcedure } from "~/server/api/trpc";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { getWorkspaceBySlug } from "~/server/services/workspaces/get-workspace-by-slug";
import { listUserWorkspaces } from "~/server/services/workspaces/list-user-workspaces";
import { renameWorkspace } from "~/server/services/workspaces/rename-workspace";
import { permissionsOf } from "~/server/services/workspaces/permissions";
import { describeRuntime } from "~/server/services/workspaces/describe-runtime";

const ZRole = z.enum(["ADMIN", "MEMBER", "VIEWER"]);
const ZWorkspace = z.object({ id: z.string(), name: z.string(), slug: z.string() });

export const workspaceRouter = createTRPCRouter({
  listMine: protectedProcedure
    .output(z.array(ZWorkspace.extend({ role: ZRole })))
    .query(({ ctx }) => listUserWorkspaces({ userId: ctx.user.id })),
  create: protectedProcedure
    .input(z.object({ name: z.string() }))
    .output(ZWorkspace)
    .mutation(({ ctx, input }) => createWorkspace({ userId: ctx.user.id, name: input.name, actor: ctx.actor })),
  bySlug: protectedProcedure
    .input(z.object({ slug: z.string() }))
    .output(ZWorkspace.extend({ role: ZRole }).nullable())
    .query(({ ctx, input }) => getWorkspaceBySlug({ slug: input.slug, userId: ctx.user.id })),
  get: workspaceProcedure
    .meta({ permission: "workspace.read" })
    .output(ZWorkspace.extend({ role: ZRole, permissions: z.array(z.string()) }))
    .query(({ ctx }) => ({ ...ctx.workspace, role: ctx.role, permissions: permissionsOf(ctx.role) })),
  rename: workspaceProcedure
    .meta({ permission: "workspace.manage" })
    .input(z.object({ name: z.string() }))
    .output(ZWorkspace)
    .mutation(({ ctx, input }) => renameWorkspace({ workspaceId: ctx.workspace.id, name: input.name, actor: ctx.actor })),
  runtime: workspaceProcedure
    .meta({ permission: "workspace.read" })
    .output(z.object({ database: z.object({ kind: z.enum(["embedded", "postgres"]), description: z.string() }), jobRunner: z.object({ kind: z.enum(["in-process", "inngest"]), description: z.string() }) }))
    .query(() => describeRuntime()),
});

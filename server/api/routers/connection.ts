import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { ZModelQuery } from "~/server/sync/definition";
import { hasPermission } from "~/server/services/workspaces/permissions";
import { describeModelColumns, discoverSource, previewModel } from "~/server/services/connections/browse-source";
import { createConnection } from "~/server/services/connections/create-connection";
import { deleteConnection } from "~/server/services/connections/delete-connection";
import { getConnection } from "~/server/services/connections/get-connection";
import { listConnections } from "~/server/services/connections/list-connections";
import { listConnectorTypes } from "~/server/services/connections/list-connector-types";
import { testConnection } from "~/server/services/connections/test-connection";
import { updateConnection } from "~/server/services/connections/update-connection";

const ZColumn = z.object({ name: z.string(), type: z.enum(["string", "number", "boolean", "date", "json", "unknown"]), nativeType: z.string() });
const ZTestResult = z.object({ ok: z.boolean(), message: z.string(), warning: z.string().optional() });

export const connectionRouter = createTRPCRouter({
  types: workspaceProcedure
    .meta({ permission: "connections.read" })
    .query(() => listConnectorTypes()),
  list: workspaceProcedure
    .meta({ permission: "connections.read" })
    .input(z.object({ kind: z.enum(["source", "destination"]).optional() }))
    .query(({ ctx, input }) => listConnections({ workspaceId: ctx.workspace.id, kind: input.kind, includeConfig: hasPermission(ctx.role, "connections.write") })),
  get: workspaceProcedure
    .meta({ permission: "connections.read" })
    .input(z.object({ connectionId: z.string() }))
    .query(({ ctx, input }) => getConnection({ workspaceId: ctx.workspace.id, connectionId: input.connectionId, includeConfig: hasPermission(ctx.role, "connections.write") })),
  create: workspaceProcedure
    .meta({ permission: "connections.write" })
    .input(z.object({ name: z.string(), type: z.string(), config: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => createConnection({ ...input, workspaceId: ctx.workspace.id, actor: ctx.actor })),
  update: workspaceProcedure
    .meta({ permission: "connections.write" })
    .input(z.object({ connectionId: z.string(), name: z.string().optional(), config: z.record(z.string(), z.unknown()).optional() }))
    .mutation(({ ctx, input }) => updateConnection({ ...input, workspaceId: ctx.workspace.id, actor: ctx.actor })),
  delete: workspaceProcedure
    .meta({ permission: "connections.write" })
    .input(z.object({ connectionId: z.string() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteConnection({ workspaceId: ctx.workspace.id, connectionId: input.connectionId, actor: ctx.actor })),
  test: workspaceProcedure
    .meta({ permission: "connections.write" })
    .input(z.object({ connectionId: z.string().optional(), type: z.string().optional(), config: z.record(z.string(), z.unknown()).optional() }))
    .output(ZTestResult)
    .mutation(({ ctx, input }) => testConnection({ ...input, workspaceId: ctx.workspace.id })),
  discover: workspaceProcedure
    .meta({ permission: "models.query" })
    .input(z.object({ connectionId: z.string() }))
    .query(({ ctx, input }) => discoverSource({ workspaceId: ctx.workspace.id, connectionId: input.connectionId })),
  preview: workspaceProcedure
    .meta({ permission: "models.query" })
    .input(z.object({ connectionId: z.string(), model: ZModelQuery }))
    .query(({ ctx, input }) => previewModel({ workspaceId: ctx.workspace.id, connectionId: input.connectionId, model: input.model })),
  columns: workspaceProcedure
    .meta({ permission: "models.query" })
    .input(z.object({ connectionId: z.string(), model: ZModelQuery }))
    .output(z.array(ZColumn))
    .query(({ ctx, input }) => describeModelColumns({ workspaceId: ctx.workspace.id, connectionId: input.connectionId, model: input.model })),
});

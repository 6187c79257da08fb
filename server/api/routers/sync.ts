import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { ZModelQuery } from "~/server/sync/definition";
import { createSync } from "~/server/services/syncs/create-sync";
import { deleteSync } from "~/server/services/syncs/delete-sync";
import { checkWholeModelPart, dryRunSync } from "~/server/services/syncs/dry-run-sync";
import type { DryRunTarget } from "~/server/services/syncs/load-dry-run-context";
import { getSync } from "~/server/services/syncs/get-sync";
import { RunStatus } from "~/server/db/generated/enums";
import { listSyncs } from "~/server/services/syncs/list-syncs";
import { previewSchedule } from "~/server/services/syncs/preview-schedule";
import { suggestMappings } from "~/server/services/syncs/suggest-mappings";
import { updateSync } from "~/server/services/syncs/update-sync";
import { listSyncHistory } from "~/server/services/syncs/sync-revisions";
import { describeFullResyncImpact } from "~/server/services/sync-runs/full-resync-impact";

// The definition is validated by the service (public field names, per-field errors), so the router passes it through.
const ZDefinitionBody = z.record(z.string(), z.unknown());

/** What a dry run reads: a saved sync (with the edit form's definition, if any) or the create form's definition. */
const ZSavedTarget = z.object({ syncId: z.string(), definition: ZDefinitionBody.optional() });
const ZFormTarget = z.object({ definition: ZDefinitionBody });
const wholeModel = { wholeModel: z.boolean().default(false) };
const ZDryRunInput = z.union([ZSavedTarget.extend(wholeModel), ZFormTarget.extend(wholeModel)]);
const after = { after: z.string().max(20_000).optional() };
const ZCheckWholeModelInput = z.union([ZSavedTarget.extend(after), ZFormTarget.extend(after)]);

function toTarget(input: { syncId: string; definition?: Record<string, unknown> } | { definition: Record<string, unknown> }): DryRunTarget {
  return "syncId" in input ? { syncId: input.syncId, definition: input.definition } : { definition: input.definition };
}

export const syncRouter = createTRPCRouter({
  list: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(
      z.object({
        search: z.string().max(200).optional(),
        sourceId: z.string().max(100).optional(),
        destinationId: z.string().max(100).optional(),
        status: z.union([z.enum(["enabled", "disabled", "never_run"]), z.enum(RunStatus)]).optional(),
      }),
    )
    .query(({ ctx, input }) => listSyncs({ ...input, workspaceId: ctx.workspace.id })),
  get: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ syncId: z.string() }))
    .query(({ ctx, input }) => getSync({ workspaceId: ctx.workspace.id, syncId: input.syncId })),
  history: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ syncId: z.string() }))
    .query(({ ctx, input }) => listSyncHistory({ workspaceId: ctx.workspace.id, syncId: input.syncId })),
  fullResyncImpact: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ syncId: z.string() }))
    .query(({ ctx, input }) => describeFullResyncImpact({ workspaceId: ctx.workspace.id, syncId: input.syncId })),
  create: workspaceProcedure
    .meta({ permission: "syncs.write" })
    .input(z.object({ definition: ZDefinitionBody }))
    .mutation(({ ctx, input }) => createSync({ workspaceId: ctx.workspace.id, definition: input.definition, actor: ctx.actor })),
  update: workspaceProcedure
    .meta({ permission: "syncs.write" })
    .input(z.object({ syncId: z.string(), changes: ZDefinitionBody }))
    .mutation(({ ctx, input }) => updateSync({ workspaceId: ctx.workspace.id, syncId: input.syncId, changes: input.changes, actor: ctx.actor })),
  delete: workspaceProcedure
    .meta({ permission: "syncs.write" })
    .input(z.object({ syncId: z.string() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteSync({ workspaceId: ctx.workspace.id, syncId: input.syncId, actor: ctx.actor })),
  previewSchedule: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ schedule: z.unknown() }))
    .output(z.object({ description: z.string(), nextRuns: z.array(z.date()) }))
    .query(({ input }) => previewSchedule({ schedule: input.schedule })),
  // Reads the source (a SQL model runs), sends nothing and writes nothing: models.query, not syncs.run.
  dryRun: workspaceProcedure
    .meta({ permission: "models.query" })
    .input(ZDryRunInput)
    .mutation(({ ctx, input }) => dryRunSync({ workspaceId: ctx.workspace.id, target: toTarget(input), wholeModel: input.wholeModel })),
  // One part of "Check the whole model" (a few seconds of pages from `after`): reads, sends and writes nothing.
  checkWholeModel: workspaceProcedure
    .meta({ permission: "models.query" })
    .input(ZCheckWholeModelInput)
    .mutation(({ ctx, input }) => checkWholeModelPart({ workspaceId: ctx.workspace.id, target: toTarget(input), after: input.after })),
  suggestMappings: workspaceProcedure
    .meta({ permission: "models.query" })
    .input(z.object({ sourceId: z.string(), destinationId: z.string(), model: ZModelQuery, object: z.string(), exclude: z.array(z.string()).optional() }))
    .query(({ ctx, input }) => suggestMappings({ ...input, workspaceId: ctx.workspace.id })),
});

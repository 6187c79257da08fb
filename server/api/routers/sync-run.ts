import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { cancelSyncRun } from "~/server/services/sync-runs/cancel-sync-run";
import { getSyncRun } from "~/server/services/sync-runs/get-sync-run";
import { RunStatus, RunTrigger } from "~/server/db/generated/enums";
import { countRowsPerDay } from "~/server/services/sync-runs/count-rows-per-day";
import { groupRunErrors } from "~/server/services/sync-runs/group-run-errors";
import { listRunErrors } from "~/server/services/sync-runs/list-run-errors";
import { listRunLogs } from "~/server/services/sync-runs/list-run-logs";
import { listSyncRuns } from "~/server/services/sync-runs/list-sync-runs";
import { requestSyncRun } from "~/server/services/sync-runs/request-sync-run";

export const syncRunRouter = createTRPCRouter({
  request: workspaceProcedure
    .meta({ permission: "syncs.run" })
    .input(z.object({ syncId: z.string(), fullResync: z.boolean().optional(), confirmName: z.string().max(200).optional() }))
    .output(z.object({ runId: z.string(), alreadyRunning: z.boolean() }))
    .mutation(({ ctx, input }) =>
      requestSyncRun({ workspaceId: ctx.workspace.id, syncId: input.syncId, trigger: "MANUAL", fullResync: input.fullResync, confirmName: input.confirmName, requestedById: ctx.user.id }),
    ),
  cancel: workspaceProcedure
    .meta({ permission: "syncs.run" })
    .input(z.object({ runId: z.string() }))
    .output(z.object({ outcome: z.enum(["cancelled", "requested"]) }))
    .mutation(({ ctx, input }) => cancelSyncRun({ workspaceId: ctx.workspace.id, runId: input.runId })),
  list: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(
      z.object({
        syncId: z.string().optional(),
        status: z.array(z.enum(RunStatus)).max(10).optional(),
        trigger: z.array(z.enum(RunTrigger)).max(10).optional(),
        from: z.date().optional(),
        to: z.date().optional(),
        limit: z.number().int().min(1).max(200).optional(),
        cursor: z.string().optional(),
      }),
    )
    .query(({ ctx, input }) => listSyncRuns({ ...input, workspaceId: ctx.workspace.id })),
  rowsPerDay: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ days: z.number().int().min(1).max(90), timeZone: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => countRowsPerDay({ ...input, workspaceId: ctx.workspace.id })),
  get: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ runId: z.string() }))
    .query(({ ctx, input }) => getSyncRun({ workspaceId: ctx.workspace.id, runId: input.runId })),
  logs: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ runId: z.string(), afterId: z.string().optional(), limit: z.number().int().min(1).max(1000).optional() }))
    .query(({ ctx, input }) => listRunLogs({ workspaceId: ctx.workspace.id, runId: input.runId, afterId: input.afterId, limit: input.limit })),
  errors: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(
      z.object({
        runId: z.string(),
        kind: z.enum(["INVALID", "REJECTED", "DROPPED_FIELD"]).optional(),
        field: z.string().max(500).nullable().optional(),
        reasonGroup: z.string().max(2000).optional(),
        search: z.string().max(500).optional(),
        cursor: z.string().optional(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
    )
    .query(({ ctx, input }) => listRunErrors({ ...input, workspaceId: ctx.workspace.id })),
  errorGroups: workspaceProcedure
    .meta({ permission: "syncs.read" })
    .input(z.object({ runId: z.string() }))
    .query(({ ctx, input }) => groupRunErrors({ workspaceId: ctx.workspace.id, runId: input.runId })),
});

import { getSyncRun } from "~/server/services/sync-runs/get-sync-run";
import { listRunErrors } from "~/server/services/sync-runs/list-run-errors";
import { listSyncRuns } from "~/server/services/sync-runs/list-sync-runs";
import { requestSyncRun } from "~/server/services/sync-runs/request-sync-run";
import { getSync } from "~/server/services/syncs/get-sync";
import { defineOperation } from "../operation";
import { toIso, ZIdParams } from "../schemas/common";
import {
  toPublicRecordErrorKind,
  toPublicRun,
  toRecordErrorKind,
  ZRun,
  ZRunErrorList,
  ZRunErrorsQuery,
  ZRunList,
  ZRunListQuery,
  ZTriggerRunBody,
  ZTriggerRunResult,
} from "../schemas/runs";

export const triggerRunOperation = defineOperation({
  operationId: "triggerRun",
  method: "POST",
  path: "/api/v1/syncs/{id}/runs",
  tag: "Runs",
  summary: "Run a sync now",
  description: "Queues a run and answers at once; poll `GET /api/v1/runs/{runId}` until its status is final. A sync runs once at a time.",
  permission: "syncs.run",
  params: ZIdParams,
  body: { schema: ZTriggerRunBody, required: false },
  response: { status: 202, description: "The run was queued (or was already queued or running).", schema: ZTriggerRunResult },
  errors: [400, 403, 404],
  handle: ({ ctx, params, body }) =>
    requestSyncRun({ workspaceId: ctx.workspaceId, syncId: params.id, trigger: "API", fullResync: body?.fullResync ?? false, confirmName: body?.confirmName, apiTokenId: ctx.apiTokenId }),
});

export const listSyncRunsOperation = defineOperation({
  operationId: "listSyncRuns",
  method: "GET",
  path: "/api/v1/syncs/{id}/runs",
  tag: "Runs",
  summary: "List a sync's runs, newest first",
  permission: "syncs.read",
  params: ZIdParams,
  query: ZRunListQuery,
  response: { status: 200, description: "One page of runs.", schema: ZRunList },
  errors: [400, 403, 404],
  handle: async ({ ctx, params, query }) => {
    // The list alone would answer an empty page for another workspace's sync; this makes it a 404.
    await getSync({ workspaceId: ctx.workspaceId, syncId: params.id });
    const page = await listSyncRuns({ workspaceId: ctx.workspaceId, syncId: params.id, limit: query.limit, cursor: query.cursor });
    return { data: page.runs.map(toPublicRun), nextCursor: page.nextCursor };
  },
});

export const getRunOperation = defineOperation({
  operationId: "getRun",
  method: "GET",
  path: "/api/v1/runs/{id}",
  tag: "Runs",
  summary: "Get a run: status, counts, timings and verification",
  permission: "syncs.read",
  params: ZIdParams,
  response: { status: 200, description: "The run.", schema: ZRun },
  errors: [403, 404],
  handle: async ({ ctx, params }) => toPublicRun(await getSyncRun({ workspaceId: ctx.workspaceId, runId: params.id })),
});

export const listRunErrorsOperation = defineOperation({
  operationId: "listRunErrors",
  method: "GET",
  path: "/api/v1/runs/{id}/errors",
  tag: "Runs",
  summary: "List a run's record-level errors",
  description:
    "Invalid rows (not sent), rows the destination rejected (retried on the next run) and field values dropped under a mapping's `drop_field` policy (the row was sent without them), with the reason and the destination's code.",
  permission: "syncs.read",
  params: ZIdParams,
  query: ZRunErrorsQuery,
  response: { status: 200, description: "One page of errors and the totals per kind.", schema: ZRunErrorList },
  errors: [400, 403, 404],
  handle: async ({ ctx, params, query }) => {
    const page = await listRunErrors({ workspaceId: ctx.workspaceId, runId: params.id, kind: toRecordErrorKind(query.kind), limit: query.limit, cursor: query.cursor });
    return {
      data: page.errors.map((e) => ({
        id: e.id,
        kind: toPublicRecordErrorKind(e.kind),
        key: e.recordKey,
        rowNumber: e.rowNumber,
        rowValues: e.rowValues,
        field: e.field,
        reason: e.reason,
        code: e.code,
        createdAt: toIso(e.createdAt),
      })),
      totals: { invalid: page.totals.INVALID, rejected: page.totals.REJECTED, droppedField: page.totals.DROPPED_FIELD },
      nextCursor: page.nextCursor,
    };
  },
});

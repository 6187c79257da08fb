import { createSync } from "~/server/services/syncs/create-sync";
import { deleteSync } from "~/server/services/syncs/delete-sync";
import { dryRunSync } from "~/server/services/syncs/dry-run-sync";
import { getSync } from "~/server/services/syncs/get-sync";
import { listSyncs } from "~/server/services/syncs/list-syncs";
import { updateSync } from "~/server/services/syncs/update-sync";
import { defineOperation } from "../operation";
import { ZDeleted, ZIdParams } from "../schemas/common";
import { toPublicDryRun, toPublicSync, ZCreateSyncBody, ZDryRun, ZDryRunBody, ZSync, ZSyncList, ZUpdateSyncBody } from "../schemas/syncs";

export const listSyncsOperation = defineOperation({
  operationId: "listSyncs",
  method: "GET",
  path: "/api/v1/syncs",
  tag: "Syncs",
  summary: "List the workspace's syncs",
  permission: "syncs.read",
  response: { status: 200, description: "Syncs by name, each with its last run.", schema: ZSyncList },
  errors: [403],
  handle: async ({ ctx }) => ({ data: (await listSyncs({ workspaceId: ctx.workspaceId })).map(toPublicSync) }),
});

export const createSyncOperation = defineOperation({
  operationId: "createSync",
  method: "POST",
  path: "/api/v1/syncs",
  tag: "Syncs",
  summary: "Create a sync",
  description: "The definition is checked against the model's current columns and the destination object's capabilities; each problem is listed in `details.fieldErrors`.",
  permission: "syncs.write",
  body: { schema: ZCreateSyncBody, required: true },
  response: { status: 201, description: "The new sync.", schema: ZSync },
  errors: [400, 403, 409],
  handle: async ({ ctx, body }) => toPublicSync(await createSync({ workspaceId: ctx.workspaceId, definition: body, actor: ctx.actor })),
});

export const getSyncOperation = defineOperation({
  operationId: "getSync",
  method: "GET",
  path: "/api/v1/syncs/{id}",
  tag: "Syncs",
  summary: "Get a sync",
  permission: "syncs.read",
  params: ZIdParams,
  response: { status: 200, description: "The sync's definition, schedule and last run.", schema: ZSync },
  errors: [403, 404],
  handle: async ({ ctx, params }) => toPublicSync(await getSync({ workspaceId: ctx.workspaceId, syncId: params.id })),
});

export const updateSyncOperation = defineOperation({
  operationId: "updateSync",
  method: "PATCH",
  path: "/api/v1/syncs/{id}",
  tag: "Syncs",
  summary: "Change a sync",
  permission: "syncs.write",
  params: ZIdParams,
  body: { schema: ZUpdateSyncBody, required: true },
  response: { status: 200, description: "The updated sync.", schema: ZSync },
  errors: [400, 403, 404, 409],
  handle: async ({ ctx, params, body }) => toPublicSync(await updateSync({ workspaceId: ctx.workspaceId, syncId: params.id, changes: body, actor: ctx.actor })),
});

export const deleteSyncOperation = defineOperation({
  operationId: "deleteSync",
  method: "DELETE",
  path: "/api/v1/syncs/{id}",
  tag: "Syncs",
  summary: "Delete a sync with its runs",
  permission: "syncs.write",
  params: ZIdParams,
  response: { status: 200, description: "Deleted.", schema: ZDeleted },
  errors: [403, 404, 409],
  handle: ({ ctx, params }) => deleteSync({ workspaceId: ctx.workspaceId, syncId: params.id, actor: ctx.actor }),
});

export const dryRunSyncOperation = defineOperation({
  operationId: "dryRunSync",
  method: "POST",
  path: "/api/v1/syncs/{id}/dry-run",
  tag: "Syncs",
  summary: "Dry-run a sync",
  description:
    "Reads up to 50 rows in sync-key order and answers, for each, the exact payload the next run would send and its fate (create, update, unchanged, or invalid with the field and reason). With `wholeModel: true` it also reads the whole model and counts the invalid rows by field and reason. Nothing is sent and no state changes. Runs the model on the source, so it needs the role that may query sources (Admin or Member).",
  permission: "models.query",
  params: ZIdParams,
  body: { schema: ZDryRunBody, required: false },
  response: { status: 200, description: "The sample, and the whole model's invalid rows when asked for.", schema: ZDryRun },
  errors: [400, 403, 404],
  handle: async ({ ctx, params, body }) => toPublicDryRun(await dryRunSync({ workspaceId: ctx.workspaceId, target: { syncId: params.id }, wholeModel: body?.wholeModel ?? false })),
});

import { z } from "zod";
import type { SyncView } from "~/server/services/syncs/sync-view";
import { ZSyncDefinition, ZSyncDefinitionPatch, ZSyncSettings } from "~/server/sync/definition";
import { toIso, ZTimestamp } from "./common";
import { ZRunStatus, toPublicRunStatus } from "./runs";

export const ZCreateSyncBody = ZSyncDefinition.meta({
  id: "SyncDefinition",
  description: "A sync: model → destination object. `mappings` or `syncAllColumns: true`; event objects need `event`.",
});

export const ZUpdateSyncBody = ZSyncDefinitionPatch.meta({
  id: "SyncDefinitionPatch",
  description: "Fields to change; the merged definition is validated as a whole.",
});

export const ZSync = ZSyncSettings.extend({
  id: z.string(),
  name: z.string(),
  sourceId: z.string(),
  destinationId: z.string(),
  enabled: z.boolean(),
  watermark: z.string().nullable().meta({ description: "Change tracking: the highest change-tracking value a successful run read (ISO time or number); the next incremental run reads past it minus the look-back." }),
  lastFullCompareAt: ZTimestamp.nullable().meta({ description: "Change tracking: when a successful run last read every row." }),
  nextRunAt: ZTimestamp.nullable(),
  scheduleDescription: z.string(),
  lastRun: z
    .object({
      id: z.string(),
      status: ZRunStatus,
      queuedAt: ZTimestamp,
      startedAt: ZTimestamp.nullable(),
      finishedAt: ZTimestamp.nullable(),
    })
    .nullable(),
  createdAt: ZTimestamp,
  updatedAt: ZTimestamp,
}).meta({ id: "Sync" });

export const ZSyncList = z.object({ data: z.array(ZSync) }).meta({ id: "SyncList" });

export function toPublicSync(view: SyncView): z.input<typeof ZSync> {
  const lastRun = view.lastRun;
  // Keys the public shape does not have (source, destination) are dropped by the response schema.
  return {
    ...view,
    nextRunAt: toIso(view.nextRunAt),
    lastFullCompareAt: toIso(view.lastFullCompareAt),
    lastRun: lastRun
      ? { id: lastRun.id, status: toPublicRunStatus(lastRun.status), queuedAt: toIso(lastRun.queuedAt), startedAt: toIso(lastRun.startedAt), finishedAt: toIso(lastRun.finishedAt) }
      : null,
    createdAt: toIso(view.createdAt),
    updatedAt: toIso(view.updatedAt),
  };
}

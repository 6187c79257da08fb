import { z } from "zod";
import type { DryRunResult } from "~/server/services/syncs/dry-run-sync";
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

export const ZDryRunBody = z
  .object({
    wholeModel: z.boolean().optional().meta({ description: "Also read the whole model page by page and count the invalid rows by field and reason (up to 60 s)." }),
  })
  .strict()
  .optional()
  .meta({ id: "DryRunRequest" });

const ZFieldProblem = z.object({ field: z.string().nullable(), reason: z.string(), code: z.string().nullable() });

export const ZDryRun = z
  .object({
    destination: z.object({ label: z.string(), object: z.string(), objectLabel: z.string(), behavior: z.string() }),
    keyColumn: z.string(),
    sample: z.object({
      rows: z.array(
        z.object({
          key: z.string(),
          fate: z.enum(["create", "update", "unchanged", "invalid"]).meta({ description: "What the next run would do with the row." }),
          payload: z.unknown().meta({ description: "The JSON the row becomes in the destination's request body; null for an invalid row." }),
          problems: z.array(ZFieldProblem),
        }),
      ),
      counts: z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int(), invalid: z.number().int() }),
      skipsInitialRows: z.boolean().meta({ description: "The first run skips current rows: they are marked as seen and nothing is sent." }),
      nullKeyRows: z.number().int().meta({ description: "Rows with a null sync key: invalid, and never in the sample." }),
    }),
    wholeModel: z
      .object({
        rowsChecked: z.number().int(),
        invalidRows: z.number().int(),
        groups: z.array(z.object({ field: z.string().nullable(), reason: z.string(), rows: z.number().int(), exampleKeys: z.array(z.string()) })),
        complete: z.boolean().meta({ description: "False when the check stopped at its time limit before the end of the model." }),
        totalRows: z.number().int().nullable(),
      })
      .nullable(),
  })
  .meta({ id: "DryRun", description: "What the next run would send. Nothing was sent and no state changed." });

function withoutCursor<T extends { nextCursor: string | null }>({ nextCursor: _next, ...rest }: T): Omit<T, "nextCursor"> {
  return rest;
}

export function toPublicDryRun(result: DryRunResult): z.input<typeof ZDryRun> {
  return {
    ...result,
    // The REST check is one call of up to 60 s; continuing from a cursor is the browser's.
    wholeModel: result.wholeModel ? withoutCursor(result.wholeModel) : null,
    sample: {
      ...result.sample,
      rows: result.sample.rows.map((row) => ({ ...row, problems: row.problems.map((p) => ({ field: p.field ?? null, reason: p.reason, code: p.code ?? null })) })),
    },
  };
}

import { getDb } from "~/server/db/client";
import type { Sync, SyncRun } from "~/server/db/generated/client";
import { describeSchedule } from "~/server/sync/schedule";
import { parseStoredSettings } from "~/server/sync/definition";
import { decodeWatermark } from "~/server/sync/watermark";

/** The committed watermark as text (an ISO time or a number), for people and the REST API. */
function describeWatermark(text: string | null): string | null {
  const watermark = decodeWatermark(text);
  if (!watermark) return null;
  return watermark.value instanceof Date ? watermark.value.toISOString() : String(watermark.value);
}

export type RunSummary = Pick<SyncRun, "id" | "status" | "trigger" | "queuedAt" | "startedAt" | "finishedAt" | "rowsRead" | "rowsCreated" | "rowsUpdated" | "rowsRejected" | "rowsInvalid">;

/** A sync as the UI and the REST API show it: the public definition plus bookkeeping. */
export function toSyncView(row: Sync & { source?: { name: string; type: string }; destination?: { name: string; type: string }; runs?: RunSummary[] }) {
  const settings = parseStoredSettings(row);
  const lastRun = row.runs?.[0];
  return {
    id: row.id,
    name: row.name,
    sourceId: row.sourceId,
    destinationId: row.destinationId,
    ...settings,
    mappings: settings.mappings.map((m) => ({ ...m, onInvalid: m.onInvalid ?? "skip_row", transforms: m.transforms ?? [] })),
    enabled: row.enabled,
    /** Change tracking: the highest value a successful run read, and when a run last read every row. */
    watermark: describeWatermark(row.watermark),
    lastFullCompareAt: row.lastFullCompareAt,
    nextRunAt: row.nextRunAt,
    scheduleDescription: describeSchedule(settings.schedule),
    source: row.source ? { name: row.source.name, type: row.source.type } : null,
    destination: row.destination ? { name: row.destination.name, type: row.destination.type } : null,
    lastRun: lastRun
      ? {
          id: lastRun.id,
          status: lastRun.status,
          trigger: lastRun.trigger,
          queuedAt: lastRun.queuedAt,
          startedAt: lastRun.startedAt,
          finishedAt: lastRun.finishedAt,
          counts: { read: lastRun.rowsRead, created: lastRun.rowsCreated, updated: lastRun.rowsUpdated, rejected: lastRun.rowsRejected, invalid: lastRun.rowsInvalid },
        }
      : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export type SyncView = ReturnType<typeof toSyncView>;

export const SYNC_VIEW_INCLUDE = {
  source: { select: { name: true, type: true } },
  destination: { select: { name: true, type: true } },
  runs: {
    orderBy: { queuedAt: "desc" as const },
    take: 1,
    select: { id: true, status: true, trigger: true, queuedAt: true, startedAt: true, finishedAt: true, rowsRead: true, rowsCreated: true, rowsUpdated: true, rowsRejected: true, rowsInvalid: true },
  },
};

/**
 * A sync with its view's relations, read on its own rather than as the `include` of a write: Prisma
 * reads the relations of a write's include in parallel on the write's one transaction connection,
 * which pg warns about ("client is already executing a query") and pg 9 will refuse.
 */
export async function readSyncView(id: string) {
  const db = await getDb();
  return db.sync.findUniqueOrThrow({ where: { id }, include: SYNC_VIEW_INCLUDE });
}

import type { SyncRun } from "~/server/db/generated/client";
import { parseRunWarnings } from "~/server/sync/row-count-warnings";
import type { RunTriggeredBy } from "./describe-run-triggers";
import { decodeWatermark } from "~/server/sync/watermark";

/** How a run with change tracking read its model: every row, or the rows past a change-tracking value. */
function toReadView(run: SyncRun): { mode: "full" | "incremental"; since: { column: string; value: string } | null } | null {
  if (run.readMode !== "full" && run.readMode !== "incremental") return null;
  const since = decodeWatermark(run.readSince);
  const value = since?.value instanceof Date ? since.value.toISOString() : since ? String(since.value) : null;
  return { mode: run.readMode, since: since && value !== null ? { column: since.column, value } : null };
}

/** A run as the UI and the REST API show it; leases and cursors stay internal. */
export function toRunView(run: SyncRun, triggeredBy: RunTriggeredBy) {
  const finishedOrNow = run.finishedAt ?? (run.startedAt ? new Date() : null);
  return {
    id: run.id,
    syncId: run.syncId,
    status: run.status,
    trigger: run.trigger,
    triggeredBy,
    fullResync: run.fullResync,
    /** Null for syncs without change tracking (every run reads every row). */
    read: toReadView(run),
    cancelRequested: run.cancelRequested,
    error: run.error,
    counts: {
      read: run.rowsRead,
      invalid: run.rowsInvalid,
      unchanged: run.rowsUnchanged,
      created: run.rowsCreated,
      updated: run.rowsUpdated,
      rejected: run.rowsRejected,
      retried: run.rowsRetried,
      fieldsDropped: run.fieldsDropped,
    },
    totalRows: run.totalRows,
    /** 0..1 while the model's row count is known; null otherwise. */
    progress: run.totalRows === null ? null : run.totalRows === 0 ? 1 : Math.min(1, run.rowsRead / run.totalRows),
    pagesCommitted: run.pagesCommitted,
    attempt: run.attempt,
    requestedById: run.requestedById,
    warnings: parseRunWarnings(run.warnings),
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.startedAt && finishedOrNow ? finishedOrNow.getTime() - run.startedAt.getTime() : null,
    verification: run.verification,
  };
}

export type RunView = ReturnType<typeof toRunView>;

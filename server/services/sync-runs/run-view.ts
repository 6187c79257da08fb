import type { SyncRun } from "~/server/db/generated/client";

/** A run as the UI and the REST API show it; leases and cursors stay internal. */
export function toRunView(run: SyncRun) {
  const finishedOrNow = run.finishedAt ?? (run.startedAt ? new Date() : null);
  return {
    id: run.id,
    syncId: run.syncId,
    status: run.status,
    trigger: run.trigger,
    fullResync: run.fullResync,
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
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.startedAt && finishedOrNow ? finishedOrNow.getTime() - run.startedAt.getTime() : null,
    verification: run.verification,
  };
}

export type RunView = ReturnType<typeof toRunView>;

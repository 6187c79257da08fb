import type { RunTrigger } from "~/server/db/generated/client";
import { dispatchRun } from "~/server/jobs/dispatch-run";
import { notFound } from "~/server/lib/errors";
import { queueSyncRun } from "~/server/sync/queue-run";
import { assertFullResyncConfirmed } from "./full-resync-impact";

/**
 * Queues a run of a sync and hands it to the job runner. A sync runs once at a time: while a run is
 * queued or running, a new request answers that run's id with `alreadyRunning: true`.
 */
export async function requestSyncRun(p: {
  workspaceId: string;
  syncId: string;
  trigger: RunTrigger;
  fullResync?: boolean;
  /** The sync's name, typed to confirm a full resync that duplicates events (see full-resync-impact.ts). */
  confirmName?: string;
  requestedById?: string | null;
  apiTokenId?: string | null;
}): Promise<{ runId: string; alreadyRunning: boolean }> {
  if (p.fullResync) await assertFullResyncConfirmed(p);
  const queued = await queueSyncRun(p);
  if (!queued) throw notFound("Sync");
  if (!queued.alreadyRunning) await dispatchRun(queued);
  return { runId: queued.runId, alreadyRunning: queued.alreadyRunning };
}

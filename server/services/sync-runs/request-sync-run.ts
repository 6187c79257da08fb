import { getDb } from "~/server/db/client";
import type { RunTrigger } from "~/server/db/generated/client";
import { dispatchRun } from "~/server/jobs/dispatch-run";
import { notFound } from "~/server/lib/errors";
import { appendRunLog } from "~/server/sync/run-status";
import { lockSync, queueRunForLockedSync } from "./queue-run";

const TRIGGER_WORDS: Record<RunTrigger, string> = { MANUAL: "manually", SCHEDULE: "by its schedule", API: "through the API" };

/**
 * Queues a run of a sync and hands it to the job runner. A sync runs once at a time: while a run is
 * queued or running, a new request answers that run's id with `alreadyRunning: true`.
 */
export async function requestSyncRun(p: {
  workspaceId: string;
  syncId: string;
  trigger: RunTrigger;
  fullResync?: boolean;
  requestedById?: string | null;
}): Promise<{ runId: string; alreadyRunning: boolean }> {
  const db = await getDb();
  const queued = await db.$transaction(async (tx) => {
    const sync = await lockSync(tx, p);
    if (!sync) return null;
    const run = await queueRunForLockedSync(tx, { sync, trigger: p.trigger, fullResync: p.fullResync, requestedById: p.requestedById });
    if (!run.alreadyRunning) {
      await appendRunLog(run.runId, "info", "queue", `Queued ${TRIGGER_WORDS[p.trigger]}${p.fullResync ? " (full resync)" : ""}`, tx);
    }
    return run;
  });
  if (!queued) throw notFound("Sync");
  if (!queued.alreadyRunning) await dispatchRun(queued);
  return { runId: queued.runId, alreadyRunning: queued.alreadyRunning };
}

/**
 * The schedule tick shared by the Inngest cron and the in-process runner: queues one run per enabled
 * sync whose nextRunAt has passed and moves nextRunAt to the following occurrence, in one transaction
 * per sync that re-checks nextRunAt under the sync's row lock, so two ticks (two app instances, or a
 * retried Inngest step) never queue one occurrence twice.
 */
import { getDb } from "~/server/db/client";
import { logger } from "~/server/lib/logger";
import { lockSync, queueRunForLockedSync, type QueuedRun } from "~/server/sync/queue-run";
import { ZSchedule } from "~/server/sync/definition";
import { appendRunLog } from "~/server/sync/run-status";
import { computeNextRunAt } from "~/server/sync/schedule";

export type DueRun = QueuedRun & {
  /** The occurrence this run is for (ISO), which makes the scheduled event id deterministic. */
  scheduledFor: string;
};

const MAX_SYNCS_PER_TICK = 200;

/** Next occurrence after the one that fired, skipping occurrences missed while nothing was ticking. */
function followingRunAt(schedule: unknown, scheduledFor: Date, now: Date): Date | null {
  const parsed = ZSchedule.safeParse(schedule);
  if (!parsed.success) return null;
  const next = computeNextRunAt(parsed.data, scheduledFor);
  return next && next > now ? next : computeNextRunAt(parsed.data, now);
}

/** Answers the runs it queued; syncs whose previous run is still active are skipped for this occurrence. */
export async function enqueueDueSyncs(p: { now?: Date } = {}): Promise<DueRun[]> {
  const now = p.now ?? new Date();
  const db = await getDb();
  const due = await db.sync.findMany({
    where: { enabled: true, nextRunAt: { lte: now } },
    orderBy: { nextRunAt: "asc" },
    take: MAX_SYNCS_PER_TICK,
    select: { id: true, workspaceId: true },
  });
  const queued: DueRun[] = [];
  for (const candidate of due) {
    try {
      const run = await db.$transaction(async (tx) => {
        const sync = await lockSync(tx, { workspaceId: candidate.workspaceId, syncId: candidate.id });
        if (!sync?.enabled || !sync.nextRunAt || sync.nextRunAt > now) return null;
        const scheduledFor = sync.nextRunAt;
        const nextRunAt = followingRunAt(sync.schedule, scheduledFor, now);
        await tx.sync.update({ where: { id: sync.id }, data: { nextRunAt } });
        const result = await queueRunForLockedSync(tx, { sync, trigger: "SCHEDULE" });
        const message = result.alreadyRunning
          ? `Scheduled run of ${scheduledFor.toISOString()} skipped: this run was still in progress`
          : `Queued by the schedule (due ${scheduledFor.toISOString()})`;
        await appendRunLog(result.runId, "info", "schedule", message, tx);
        return result.alreadyRunning ? null : { ...result, scheduledFor: scheduledFor.toISOString() };
      });
      if (run) queued.push(run);
    } catch (error) {
      // One broken sync must not stop the others from running on time.
      logger.error("Could not queue a scheduled sync run", { syncId: candidate.id, error });
    }
  }
  return queued;
}

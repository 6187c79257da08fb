/** Queueing runs: the run-state changes that create a QUEUED run, one run at a time per sync. */
import { getDb } from "~/server/db/client";
import type { RunTrigger } from "~/server/db/generated/client";
import { createId } from "~/server/lib/ids";
import { ACTIVE_STATUSES, appendRunLog, type DbClient } from "./run-status";

export type QueuedRun = { runId: string; alreadyRunning: boolean; syncId: string; workspaceId: string; destinationId: string };

type LockedSync = { id: string; workspaceId: string; destinationId: string; enabled: boolean; schedule: unknown; nextRunAt: Date | null };

/**
 * Locks the sync row for the rest of the transaction, so concurrent triggers of one sync queue one by
 * one and each sees the run the previous one created. Answers null when the sync is not in the workspace.
 */
export async function lockSync(tx: DbClient, p: { workspaceId: string; syncId: string }): Promise<LockedSync | null> {
  const rows = await tx.$queryRaw<LockedSync[]>`SELECT "id", "workspaceId", "destinationId", "enabled", "schedule", "nextRunAt"
    FROM "Sync" WHERE "id" = ${p.syncId} AND "workspaceId" = ${p.workspaceId} FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * Inside a transaction that holds the sync's lock: answers the sync's active (queued or running) run, or
 * creates a QUEUED one. One run at a time per sync.
 */
export async function queueRunForLockedSync(
  tx: DbClient,
  p: { sync: LockedSync; trigger: RunTrigger; fullResync?: boolean; requestedById?: string | null; apiTokenId?: string | null },
): Promise<QueuedRun> {
  const { sync } = p;
  const ref = { syncId: sync.id, workspaceId: sync.workspaceId, destinationId: sync.destinationId };
  const active = await tx.syncRun.findFirst({
    where: { syncId: sync.id, status: { in: [...ACTIVE_STATUSES] } },
    orderBy: { queuedAt: "asc" },
    select: { id: true },
  });
  if (active) return { runId: active.id, alreadyRunning: true, ...ref };
  const runId = createId("run");
  await tx.syncRun.create({
    data: {
      id: runId,
      workspaceId: sync.workspaceId,
      syncId: sync.id,
      trigger: p.trigger,
      fullResync: p.fullResync ?? false,
      requestedById: p.requestedById ?? null,
      apiTokenId: p.apiTokenId ?? null,
    },
  });
  return { runId, alreadyRunning: false, ...ref };
}

const TRIGGER_WORDS: Record<RunTrigger, string> = { MANUAL: "manually", SCHEDULE: "by its schedule", API: "through the API" };

/**
 * Queues a run of a sync, or answers the sync's active run (`alreadyRunning`). Answers null when the
 * sync is not in the workspace.
 */
export async function queueSyncRun(p: {
  workspaceId: string;
  syncId: string;
  trigger: RunTrigger;
  fullResync?: boolean;
  requestedById?: string | null;
  /** The API token of an API-triggered run, so the run can name it. */
  apiTokenId?: string | null;
}): Promise<QueuedRun | null> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const sync = await lockSync(tx, p);
    if (!sync) return null;
    const run = await queueRunForLockedSync(tx, { sync, ...p });
    if (!run.alreadyRunning) {
      await appendRunLog(run.runId, "info", "queue", `Queued ${TRIGGER_WORDS[p.trigger]}${p.fullResync ? " (full resync)" : ""}`, tx);
    }
    return run;
  });
}

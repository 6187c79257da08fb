/**
 * Run leases for the in-process runner. A runner owns a run while `claimedBy` names it and `leaseUntil`
 * is in the future; every change is a guarded update, so two runners (threads, processes or app
 * instances sharing a database) can never both hold one run. An expired lease means its runner died.
 */
import { getDb } from "~/server/db/client";
import { ACTIVE_STATUSES } from "~/server/sync/run-status";

export type ClaimedRun = { id: string; syncId: string; workspaceId: string };

const CANDIDATES = 10;

function claimableWhere(now: Date) {
  return { status: { in: [...ACTIVE_STATUSES] }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
}

/** Claims the oldest queued run, or a running run whose lease expired, skipping the given syncs and workspaces. */
export async function claimRun(p: {
  runnerId: string;
  leaseMs: number;
  skipSyncIds?: string[];
  skipWorkspaceIds?: string[];
  now?: Date;
}): Promise<ClaimedRun | null> {
  const db = await getDb();
  const now = p.now ?? new Date();
  const candidates = await db.syncRun.findMany({
    where: {
      ...claimableWhere(now),
      ...(p.skipSyncIds?.length ? { syncId: { notIn: p.skipSyncIds } } : {}),
      ...(p.skipWorkspaceIds?.length ? { workspaceId: { notIn: p.skipWorkspaceIds } } : {}),
    },
    orderBy: { queuedAt: "asc" },
    take: CANDIDATES,
    select: { id: true, syncId: true, workspaceId: true },
  });
  for (const candidate of candidates) {
    const { count } = await db.syncRun.updateMany({
      where: { id: candidate.id, ...claimableWhere(now) },
      data: { claimedBy: p.runnerId, leaseUntil: new Date(now.getTime() + p.leaseMs) },
    });
    if (count === 1) return candidate;
  }
  return null;
}

/** Extends the lease; answers false when the runner no longer holds the run (taken over, or finished). */
export async function renewLease(p: { runId: string; runnerId: string; leaseMs: number }): Promise<boolean> {
  const db = await getDb();
  const { count } = await db.syncRun.updateMany({
    where: { id: p.runId, claimedBy: p.runnerId, status: { in: [...ACTIVE_STATUSES] } },
    data: { leaseUntil: new Date(Date.now() + p.leaseMs) },
  });
  return count === 1;
}

/** Gives the run back: any runner may take it from `retryAt` (at once when omitted). */
export async function releaseLease(p: { runId: string; runnerId: string; retryAt?: Date }): Promise<void> {
  const db = await getDb();
  await db.syncRun.updateMany({
    where: { id: p.runId, claimedBy: p.runnerId },
    data: { claimedBy: null, leaseUntil: p.retryAt ?? null },
  });
}

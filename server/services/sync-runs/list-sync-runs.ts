import { getDb } from "~/server/db/client";
import type { RunStatus, RunTrigger } from "~/server/db/generated/client";
import { describeRunTriggers } from "./describe-run-triggers";
import { toRunView } from "./run-view";

const MAX_LIMIT = 100;

export type ListSyncRunsOptions = {
  workspaceId: string;
  syncId?: string;
  status?: RunStatus[];
  trigger?: RunTrigger[];
  /** Runs queued at or after this instant. */
  from?: Date;
  /** Runs queued before this instant. */
  to?: Date;
  limit?: number;
  cursor?: string;
};

/**
 * Runs of the workspace (or of one sync), newest first, narrowed by status, trigger and when they were
 * queued, paged with `cursor` = the last run id of the previous page (ids are time-ordered).
 */
export async function listSyncRuns(p: ListSyncRunsOptions) {
  const db = await getDb();
  const limit = Math.min(Math.max(p.limit ?? 25, 1), MAX_LIMIT);
  const rows = await db.syncRun.findMany({
    where: {
      workspaceId: p.workspaceId,
      ...(p.syncId ? { syncId: p.syncId } : {}),
      ...(p.status?.length ? { status: { in: p.status } } : {}),
      ...(p.trigger?.length ? { trigger: { in: p.trigger } } : {}),
      ...(p.from || p.to ? { queuedAt: { ...(p.from ? { gte: p.from } : {}), ...(p.to ? { lt: p.to } : {}) } } : {}),
      ...(p.cursor ? { id: { lt: p.cursor } } : {}),
    },
    orderBy: { id: "desc" },
    take: limit + 1,
    include: { sync: { select: { name: true } } },
  });
  const page = rows.slice(0, limit);
  const triggers = await describeRunTriggers(p.workspaceId, page);
  return {
    runs: page.map((row) => {
      const { sync, ...run } = row;
      return { ...toRunView(run, triggers.get(row)!), syncName: sync.name };
    }),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

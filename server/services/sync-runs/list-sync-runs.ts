import { getDb } from "~/server/db/client";
import type { RunStatus } from "~/server/db/generated/client";
import { describeRunTriggers } from "./describe-run-triggers";
import { toRunView } from "./run-view";

const MAX_LIMIT = 100;

/**
 * Runs of the workspace (or of one sync), newest first, paged with `cursor` = the last run id of the
 * previous page (ids are time-ordered).
 */
export async function listSyncRuns(p: { workspaceId: string; syncId?: string; status?: RunStatus[]; limit?: number; cursor?: string }) {
  const db = await getDb();
  const limit = Math.min(Math.max(p.limit ?? 25, 1), MAX_LIMIT);
  const rows = await db.syncRun.findMany({
    where: {
      workspaceId: p.workspaceId,
      ...(p.syncId ? { syncId: p.syncId } : {}),
      ...(p.status?.length ? { status: { in: p.status } } : {}),
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

import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";

const MAX_LIMIT = 1000;

/**
 * Step log lines of a run in the order they were written. For live tailing, pass the `nextAfterId`
 * of the previous answer as `afterId`; it stays put when nothing new arrived.
 */
export async function listRunLogs(p: { workspaceId: string; runId: string; afterId?: string; limit?: number }) {
  const db = await getDb();
  const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { status: true } });
  if (!run) throw notFound("Run");
  const limit = Math.min(Math.max(p.limit ?? 200, 1), MAX_LIMIT);
  const after = p.afterId && /^\d+$/.test(p.afterId) ? BigInt(p.afterId) : undefined;
  const rows = await db.syncRunLog.findMany({
    where: { runId: p.runId, workspaceId: p.workspaceId, ...(after !== undefined ? { id: { gt: after } } : {}) },
    orderBy: { id: "asc" },
    take: limit,
  });
  const logs = rows.map((r) => ({ id: r.id.toString(), at: r.at, level: r.level, step: r.step, message: r.message }));
  return {
    logs,
    nextAfterId: logs.at(-1)?.id ?? p.afterId ?? null,
    /** More lines are already waiting (the page was full). */
    hasMore: rows.length === limit,
    /** The run is finished: once hasMore is false, no more lines will come. */
    finished: run.status !== "QUEUED" && run.status !== "RUNNING",
  };
}

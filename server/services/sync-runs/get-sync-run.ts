import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { describeRunTriggers } from "./describe-run-triggers";
import { toRunView } from "./run-view";

/** One run with its counts, timings, progress and verification, plus the sync's name for headings. */
export async function getSyncRun(p: { workspaceId: string; runId: string }) {
  const db = await getDb();
  const run = await db.syncRun.findFirst({
    where: { id: p.runId, workspaceId: p.workspaceId },
    include: { sync: { select: { name: true } } },
  });
  if (!run) throw notFound("Run");
  const { sync, ...rest } = run;
  const triggers = await describeRunTriggers(p.workspaceId, [rest]);
  // The newest log line's id: the run page refreshes its log and errors when this or the counts move.
  const lastLog = await db.syncRunLog.findFirst({ where: { runId: run.id, workspaceId: p.workspaceId }, orderBy: { id: "desc" }, select: { id: true } });
  return { ...toRunView(rest, triggers.get(rest)!), syncName: sync.name, lastLogId: lastLog ? String(lastLog.id) : null };
}

import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
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
  return { ...toRunView(rest), syncName: sync.name };
}

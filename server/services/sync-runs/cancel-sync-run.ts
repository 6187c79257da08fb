import { getDb } from "~/server/db/client";
import { dispatchRunCancel } from "~/server/jobs/dispatch-run";
import { AppError, notFound } from "~/server/lib/errors";
import { requestRunCancel } from "~/server/sync/run-status";

/**
 * Cancels a run. A queued run is cancelled at once (`cancelled`); a running one stops after the page in
 * progress (`requested`): records already sent stay sent.
 */
export async function cancelSyncRun(p: { workspaceId: string; runId: string }): Promise<{ outcome: "cancelled" | "requested" }> {
  const outcome = await requestRunCancel(p);
  const db = await getDb();
  const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { status: true, syncId: true } });
  if (!run) throw notFound("Run");
  if (!outcome) {
    throw new AppError("CONFLICT", `The run has already finished (${run.status.toLowerCase().replaceAll("_", " ")}); there is nothing to cancel`);
  }
  await dispatchRunCancel({ runId: p.runId, syncId: run.syncId, workspaceId: p.workspaceId });
  return { outcome };
}

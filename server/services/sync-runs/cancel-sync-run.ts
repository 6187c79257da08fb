import { getDb } from "~/server/db/client";
import { dispatchRunCancel } from "~/server/jobs/dispatch-run";
import { AppError, notFound } from "~/server/lib/errors";

/**
 * Cancels a run. A queued run is cancelled at once (`cancelled`); a running one stops after the page in
 * progress (`requested`): records already sent stay sent.
 */
export async function cancelSyncRun(p: { workspaceId: string; runId: string }): Promise<{ outcome: "cancelled" | "requested" }> {
  const db = await getDb();
  const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { status: true, syncId: true } });
  if (!run) throw notFound("Run");
  const outcome = await dispatchRunCancel({ runId: p.runId, syncId: run.syncId, workspaceId: p.workspaceId });
  if (!outcome) {
    const now = await db.syncRun.findFirstOrThrow({ where: { id: p.runId }, select: { status: true } });
    throw new AppError("CONFLICT", `The run has already finished (${now.status.toLowerCase().replaceAll("_", " ")}); there is nothing to cancel`);
  }
  return { outcome };
}

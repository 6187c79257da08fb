import { getDb } from "~/server/db/client";
import { sendRunCancelRequested } from "~/server/jobs/inngest/events";
import { getJobRunnerKind } from "~/server/jobs/runner-kind";
import { AppError, notFound } from "~/server/lib/errors";
import { logger } from "~/server/lib/logger";
import { requestRunCancel } from "~/server/sync/run-status";

/**
 * Cancels a run. A queued run is cancelled at once (`cancelled`); a running one stops after the page in
 * progress (`requested`): already-sent records stay sent.
 */
export async function cancelSyncRun(p: { workspaceId: string; runId: string }): Promise<{ outcome: "cancelled" | "requested" }> {
  const outcome = await requestRunCancel(p);
  if (!outcome) {
    const db = await getDb();
    const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { status: true } });
    if (!run) throw notFound("Run");
    throw new AppError("CONFLICT", `The run has already finished (${run.status.toLowerCase().replaceAll("_", " ")}); there is nothing to cancel`);
  }
  if (getJobRunnerKind() === "inngest") {
    const db = await getDb();
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: p.runId }, select: { syncId: true } });
    // The database flag already stops the run at its next page; the event only ends a waiting Inngest run sooner.
    await sendRunCancelRequested({ runId: p.runId, syncId: run.syncId, workspaceId: p.workspaceId }).catch((error: unknown) => {
      logger.warn("Could not send the cancel event to Inngest", { runId: p.runId, error });
    });
  }
  return { outcome };
}

/**
 * The one entry services use into server/jobs (ESLint enforces it): hands a queued run to whichever job
 * path this deployment uses, and passes cancels on. With Inngest, a lost event would leave the run
 * queued forever, so a failed send fails the run with the reason.
 */
import { logger } from "~/server/lib/logger";
import { failRun, requestRunCancel } from "~/server/sync/run-status";
import { sendRunCancelRequested, sendRunRequested } from "./inngest/events";
import { wakeLocalRunners } from "./local/wake-signal";
import { getJobRunnerKind } from "./runner-kind";

export { getJobRunnerKind };

export type QueuedRunRef = { runId: string; syncId: string; workspaceId: string; destinationId: string };

export async function dispatchRun(run: QueuedRunRef): Promise<void> {
  if (getJobRunnerKind() === "in-process") {
    wakeLocalRunners();
    return;
  }
  try {
    await sendRunRequested(run);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await failRun({ runId: run.runId, error: new Error(`Could not hand the run to Inngest: ${reason}`) });
    throw error;
  }
}

/**
 * Cancels a run: a queued run at once (`cancelled`), a running one after the page in progress
 * (`requested`); null when the run is not active in this workspace. The database flag stops the run on
 * both paths; with Inngest the event also ends a waiting run sooner, so a failed send is only logged.
 */
export async function dispatchRunCancel(run: { runId: string; syncId: string; workspaceId: string }): Promise<"cancelled" | "requested" | null> {
  const outcome = await requestRunCancel(run);
  if (outcome && getJobRunnerKind() !== "in-process") {
    await sendRunCancelRequested(run).catch((error: unknown) => {
      logger.warn("Could not send the cancel event to Inngest", { runId: run.runId, error });
    });
  }
  return outcome;
}

/**
 * Hands a queued run to whichever job path this deployment uses. With Inngest, a lost event would leave
 * the run queued forever, so a failed send fails the run with the reason.
 */
import { failRun } from "~/server/sync/engine";
import { logger } from "~/server/lib/logger";
import { sendRunCancelRequested, sendRunRequested } from "./inngest/events";
import { wakeLocalRunners } from "./local/wake-signal";
import { getJobRunnerKind } from "./runner-kind";

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
 * Tells the job path a cancel was requested. The database flag already stops the run at its next page
 * on both paths; with Inngest the event also ends a waiting run sooner, so a failed send is only logged.
 */
export async function dispatchRunCancel(run: { runId: string; syncId: string; workspaceId: string }): Promise<void> {
  if (getJobRunnerKind() === "in-process") return;
  await sendRunCancelRequested(run).catch((error: unknown) => {
    logger.warn("Could not send the cancel event to Inngest", { runId: run.runId, error });
  });
}

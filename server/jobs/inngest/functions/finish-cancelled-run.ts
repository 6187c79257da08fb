/**
 * When Inngest cancels an execute-sync-run (cancelOn), no later step runs, so the run's row would stay
 * RUNNING: this marks it CANCELLED. A page still in flight at that moment cannot commit afterwards (its
 * commit is guarded on RUNNING), so at most that one page is sent again by the next run.
 */
import { cancelRun } from "~/server/sync/run-status";
import { inngest } from "../client";

export const finishCancelledRun = inngest.createFunction(
  {
    id: "finish-cancelled-run",
    name: "Finish cancelled sync run",
    // Function ids are prefixed with the app id, as the SDK does for its own onFailure trigger.
    triggers: [{ event: "inngest/function.cancelled", if: "event.data.function_id == 'tidewater-execute-sync-run'" }],
    retries: 3,
  },
  async ({ event, step }) => {
    const original = (event.data as { event?: { data?: { runId?: unknown } } }).event;
    const runId = original?.data?.runId;
    if (typeof runId !== "string") return { cancelled: false };
    const cancelled = await step.run("mark-cancelled", () => cancelRun(runId));
    return { cancelled };
  },
);

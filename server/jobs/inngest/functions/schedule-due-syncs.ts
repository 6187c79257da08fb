/**
 * Every minute: queue a run for each sync whose schedule is due and send one run event per sync. The
 * event id names the sync and the occurrence, so a retried tick never starts a sync twice.
 */
import { cron } from "inngest";
import { enqueueDueSyncs } from "~/server/jobs/enqueue-due-syncs";
import { inngest } from "../client";
import { runRequested, scheduledRunEventId } from "../events";

export const scheduleDueSyncs = inngest.createFunction(
  { id: "schedule-due-syncs", name: "Schedule due syncs", triggers: [cron("* * * * *")], retries: 3, concurrency: { limit: 1 } },
  async ({ step }) => {
    const due = await step.run("queue-due-runs", () => enqueueDueSyncs());
    if (due.length === 0) return { queued: 0 };
    await step.sendEvent(
      "request-runs",
      due.map((run) =>
        runRequested.create(
          { runId: run.runId, syncId: run.syncId, workspaceId: run.workspaceId, destinationId: run.destinationId },
          { id: scheduledRunEventId(run.syncId, run.scheduledFor) },
        ),
      ),
    );
    return { queued: due.length, runIds: due.map((run) => run.runId) };
  },
);

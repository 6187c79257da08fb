/**
 * Runs one sync run as Inngest steps through runSyncRun: its tasks (prepare, page-1 … page-n, finalize,
 * verify) are `step.run`s. Every task commits its work before it returns, so a retried or replayed step
 * resumes from the last committed page.
 */
import { RetryAfterError } from "inngest";
import { describeRunError } from "~/server/jobs/run-error";
import { ALERT_TASK, RETRY_DEFAULTS, RunRetryError, runSyncRun, type RunIo } from "~/server/jobs/run-sync-run";
import { sendRunAlerts } from "~/server/services/alerts/send-run-alerts";
import type { EngineDeps } from "~/server/sync/engine";
import { failRun } from "~/server/sync/run-status";
import { inngest } from "../client";
import { runCancelRequested, runRequested } from "../events";

/** Runs of one destination connection at once, so a destination's rate limits are shared fairly. */
export const DESTINATION_CONCURRENCY = 2;
/** Runs of one workspace at once. */
export const WORKSPACE_CONCURRENCY = 2;

type StepRun = { run: <T>(id: string, fn: () => Promise<T>) => Promise<unknown> };

/** The onFailure body; takes the step tool so it runs as memoized steps. A run failed here alerts like any other. */
export async function markRunFailed(p: { runId: string; error: unknown; step: { run: (id: string, fn: () => Promise<unknown>) => Promise<unknown> } }) {
  const failed = await p.step.run("mark-failed", () => failRun({ runId: p.runId, error: describeRunError(p.error) }));
  if (failed === true) await p.step.run(ALERT_TASK, () => sendRunAlerts({ runId: p.runId }));
}

/** runSyncRun's io on Inngest: a recorded failed attempt is retried by Inngest after the engine's delay. */
export function inngestIo(step: StepRun): RunIo {
  return {
    runTask: <T>(key: string, fn: () => Promise<T>) =>
      step.run(key, async () => {
        try {
          return await fn();
        } catch (error) {
          if (error instanceof RunRetryError) throw new RetryAfterError(error.message, error.retryInMs, { cause: error.cause });
          throw error;
        }
      }) as Promise<T>,
  };
}

export function createExecuteSyncRun(options: { deps: () => EngineDeps }) {
  return inngest.createFunction(
    {
      id: "execute-sync-run",
      name: "Execute sync run",
      triggers: [runRequested],
      // runSyncRun counts attempts on the run and fails it after the last one; this is only the ceiling.
      retries: RETRY_DEFAULTS.maxAttempts,
      // Inngest takes two concurrency keys. One run per sync is already the database's rule (queueRun), so
      // the keys are the workspace (fair scheduling: one tenant cannot take every slot) and the destination.
      concurrency: [
        { key: "event.data.workspaceId", limit: WORKSPACE_CONCURRENCY },
        { key: "event.data.destinationId", limit: DESTINATION_CONCURRENCY },
      ],
      cancelOn: [{ event: runCancelRequested, match: "data.runId" }],
      // An error runSyncRun could not record (the database was unreachable): the run must not stay RUNNING.
      onFailure: ({ event, error, step }) => markRunFailed({ runId: event.data.event.data.runId, error, step }),
    },
    async ({ event, step }) => {
      const { runId } = event.data;
      const { status, pages, verification } = await runSyncRun({ runId, deps: options.deps(), io: inngestIo(step as unknown as StepRun) });
      return { runId, status, pages, verification };
    },
  );
}

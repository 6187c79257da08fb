/**
 * Runs one sync run as Inngest steps: prepare, one step per page (or per few pages, to stay under
 * Inngest's 1,000 steps per run), finalize, verify. Every step commits its work to the database before it
 * returns, so a retried or replayed step resumes from the last committed page.
 */
import { NonRetriableError } from "inngest";
import { getDb } from "~/server/db/client";
import { describeRunError, isPermanentRunError } from "~/server/jobs/run-error";
import { DEFAULT_PAGE_SIZE, failRun, finalizeRun, prepareRun, processNextPage, type EngineDeps } from "~/server/sync/engine";
import { verifyRun } from "~/server/sync/verify-run";
import { inngest } from "../client";
import { runCancelRequested, runRequested } from "../events";

/** Runs of one destination connection at once, so a destination's rate limits are shared fairly. */
export const DESTINATION_CONCURRENCY = 2;
/** Steps at one pages-per-step rate before the rate is multiplied, keeping any run under 1,000 steps. */
const STEPS_PER_TIER = 300;
const TIER_GROWTH = 4;

/** Pages each step processes: enough for the counted rows to fit one tier, growing if the model keeps going. */
export function pagesForStep(step: number, basePages: number): number {
  return basePages * TIER_GROWTH ** Math.floor((step - 1) / STEPS_PER_TIER);
}

async function planBasePages(runId: string, pageSize: number): Promise<number> {
  const db = await getDb();
  const run = await db.syncRun.findUnique({ where: { id: runId }, select: { totalRows: true } });
  const pages = Math.ceil((run?.totalRows ?? 0) / pageSize) + 1;
  return Math.max(1, Math.ceil(pages / STEPS_PER_TIER));
}

/** Configuration and credential errors are not retried: Inngest then calls onFailure at once. */
async function permanentOrRetry<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isPermanentRunError(error)) throw new NonRetriableError(describeRunError(error), { cause: error });
    throw error;
  }
}

/** The onFailure body; takes the step tool so it runs as a memoized step. */
export async function markRunFailed(p: { runId: string; error: unknown; step: { run: (id: string, fn: () => Promise<boolean>) => Promise<unknown> } }) {
  await p.step.run("mark-failed", () => failRun({ runId: p.runId, error: describeRunError(p.error) }));
}

export function createExecuteSyncRun(options: { deps: () => EngineDeps }) {
  return inngest.createFunction(
    {
      id: "execute-sync-run",
      name: "Execute sync run",
      triggers: [runRequested],
      retries: 3,
      concurrency: [
        { key: "event.data.syncId", limit: 1 },
        { key: "event.data.destinationId", limit: DESTINATION_CONCURRENCY },
      ],
      cancelOn: [{ event: runCancelRequested, match: "data.runId" }],
      // Retries are exhausted (or the error was permanent): the run must not stay RUNNING.
      onFailure: ({ event, error, step }) => markRunFailed({ runId: event.data.event.data.runId, error, step }),
    },
    async ({ event, step }) => {
      const { runId } = event.data;
      const deps = options.deps();
      const prepared = await step.run("prepare", () =>
        permanentOrRetry(async () => {
          const { done } = await prepareRun({ runId, deps });
          return { done, basePages: done ? 1 : await planBasePages(runId, deps.pageSize ?? DEFAULT_PAGE_SIZE) };
        }),
      );

      let done = prepared.done;
      let pages = 0;
      for (let n = 1; !done; n += 1) {
        const limit = pagesForStep(n, prepared.basePages);
        const result = await step.run(`page-${n}`, () =>
          permanentOrRetry(async () => {
            let processed = 0;
            let finished = false;
            while (!finished && processed < limit) {
              finished = (await processNextPage({ runId, deps })).done;
              processed += 1;
            }
            return { done: finished, processed };
          }),
        );
        done = result.done;
        pages += result.processed;
      }

      const { status } = await step.run("finalize", () => permanentOrRetry(() => finalizeRun({ runId, deps })));
      const verification = await step.run("verify", async () => {
        const result = await verifyRun({ runId, deps });
        return result && { checked: result.checked, verified: result.verified, message: result.message };
      });
      return { runId, status, pages, verification };
    },
  );
}

/**
 * The one run sequence, for every runner: prepare → page steps → finalize → verify → alert, each a task of the
 * runner's `io` (documenso's job-handler style). Inngest passes `step.run`, so every task is a memoized,
 * retried step; the in-process runner passes a runTask that renews its lease; tests pass `directIo`.
 *
 * A task that throws is settled inside the task itself, so the decision is recorded exactly once:
 * a requested cancel cancels the run, a permanent error (run-error.ts: a missing table, a syntax error,
 * a refused credential, a 4xx) or the last attempt fails it at once, anything else
 * counts one failed attempt (`SyncRun.attempt` is the attempt in progress, on both runners) and is
 * thrown again as RunRetryError for the runner to retry after `retryInMs`. An abort of `deps.signal`
 * (the runner stopping or losing its lease) is never settled: the run stays RUNNING and resumes from
 * its last committed page.
 */
import { getDb } from "~/server/db/client";
import { sendRunAlerts } from "~/server/services/alerts/send-run-alerts";
import type { RunStatus } from "~/server/db/generated/client";
import { DEFAULT_PAGE_SIZE, finalizeRun, prepareRun, processPages, type EngineDeps } from "~/server/sync/engine";
import { appendRunLog, cancelRun, failRun, SUCCEEDED_STATUSES } from "~/server/sync/run-status";
import { verifyRun } from "~/server/sync/verify-run";
import { describeRunError, isPermanentRunError } from "./run-error";

export type RunIo = {
  /** Runs one task under its key; the key is stable for a run (`prepare`, `page-1` …), so a runner may memoize by it. */
  runTask<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * A page task keeps going past its planned pages while it has run for less than this (in-process: a
   * lease renews meanwhile; Inngest: 0, the host's request timeout bounds a step).
   */
  pageTaskMs?: number;
  /** Asked between pages and tasks: true pauses the run after the page in progress (RUNNING, resumable). */
  shouldStop?(): boolean;
};

/** It runs on a final run, so it needs no lease (it writes only the run's verification). */
export const VERIFY_TASK = "verify";
/**
 * The last task, on every run that ended SUCCEEDED, SUCCEEDED_WITH_REJECTIONS or FAILED: alerts on a change
 * of state. Like verify it needs no lease; it is retried (Inngest) as its own task, and records each delivery
 * once, so a retry sends only what did not go out.
 */
export const ALERT_TASK = "alert";
/** Tasks that run after the run is final. */
export const FINAL_TASKS: readonly string[] = [VERIFY_TASK, ALERT_TASK];

/** Tests and scripts: every task runs at once in this process, all pages in one page task. */
export const directIo: RunIo = { runTask: (_key, fn) => fn(), pageTaskMs: Infinity };

export type RetryPolicy = {
  /** Attempts per run before a retryable error fails it (default 3). */
  maxAttempts?: number;
  /** Wait before the first retry, doubled for each later one (default 15 s, then 30 s …). */
  retryDelayMs?: number;
};

export const RETRY_DEFAULTS = { maxAttempts: 3, retryDelayMs: 15_000 } as const;

/** A failed attempt that was recorded on the run; the runner retries the run after `retryInMs`. */
export class RunRetryError extends Error {
  override name = "RunRetryError";
  constructor(
    message: string,
    readonly retryInMs: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** Steps at one pages-per-step rate before the rate is multiplied, keeping any run under Inngest's 1,000 steps. */
const STEPS_PER_TIER = 300;
const TIER_GROWTH = 4;
/** Pages a step covers at least: delivery batches fill across the pages of one step, never across steps. */
const MIN_PAGES_PER_STEP = 10;

/** Pages each step processes: enough for the counted rows to fit one tier, growing if the model keeps going. */
export function pagesForStep(step: number, basePages: number): number {
  return basePages * TIER_GROWTH ** Math.floor((step - 1) / STEPS_PER_TIER);
}

async function planBasePages(runId: string, pageSize: number): Promise<number> {
  const db = await getDb();
  const run = await db.syncRun.findUnique({ where: { id: runId }, select: { totalRows: true } });
  const pages = Math.ceil((run?.totalRows ?? 0) / pageSize) + 1;
  return Math.max(MIN_PAGES_PER_STEP, Math.ceil(pages / STEPS_PER_TIER));
}

type Halted = { halted: true };
const HALTED: Halted = { halted: true };

function isHalted(value: unknown): value is Halted {
  return typeof value === "object" && value !== null && (value as Halted).halted === true;
}

/** Records the outcome of a task that threw: answers the delay before a retry, or null when the run ended here. */
async function settleRunError(p: { runId: string; error: unknown; retry: Required<RetryPolicy> }): Promise<number | null> {
  const db = await getDb();
  const run = await db.syncRun.findUnique({ where: { id: p.runId }, select: { status: true, attempt: true, cancelRequested: true } });
  if (!run || (run.status !== "QUEUED" && run.status !== "RUNNING")) return null;
  if (run.cancelRequested) {
    await cancelRun(p.runId);
    return null;
  }
  const attempt = Math.max(1, run.attempt);
  if (isPermanentRunError(p.error) || attempt >= p.retry.maxAttempts) {
    await failRun({ runId: p.runId, error: describeRunError(p.error) });
    return null;
  }
  const delayMs = p.retry.retryDelayMs * 2 ** (attempt - 1);
  await db.syncRun.updateMany({ where: { id: p.runId, status: { in: ["QUEUED", "RUNNING"] } }, data: { attempt: attempt + 1 } });
  await appendRunLog(
    p.runId,
    "warn",
    "retry",
    `Attempt ${attempt} of ${p.retry.maxAttempts} failed: ${describeRunError(p.error)}. Retrying in ${Math.round(delayMs / 1000)} s from the last committed page`,
  );
  return delayMs;
}

export type RunSyncRunResult = {
  runId: string;
  /** RUNNING when the runner paused the run (shouldStop); it resumes from its last committed page. */
  status: RunStatus;
  pages: number;
  verification: { checked: number; verified: number; message: string } | null;
};

export async function runSyncRun(p: { runId: string; deps: EngineDeps; io: RunIo; retry?: RetryPolicy }): Promise<RunSyncRunResult> {
  const result = await runUntilFinal(p);
  if (result.status === "SUCCEEDED" || result.status === "SUCCEEDED_WITH_REJECTIONS" || result.status === "FAILED") {
    await p.io.runTask(ALERT_TASK, () => sendRunAlerts({ runId: p.runId }));
  }
  return result;
}

async function runUntilFinal(p: { runId: string; deps: EngineDeps; io: RunIo; retry?: RetryPolicy }): Promise<RunSyncRunResult> {
  const { runId, deps, io } = p;
  const retry = { ...RETRY_DEFAULTS, ...p.retry };

  const task = <T>(key: string, fn: () => Promise<T>): Promise<T | Halted> =>
    io.runTask(key, async () => {
      try {
        return await fn();
      } catch (error) {
        // The runner stopped or lost the run: nothing to record, the run resumes elsewhere or later.
        if (deps.signal?.aborted) throw error;
        const retryInMs = await settleRunError({ runId, error, retry });
        if (retryInMs === null) return HALTED;
        throw new RunRetryError(describeRunError(error), retryInMs, { cause: error });
      }
    });

  const currentStatus = async (): Promise<RunStatus> => {
    const db = await getDb();
    return (await db.syncRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } })).status;
  };
  const ended = async (pages: number): Promise<RunSyncRunResult> => ({ runId, status: await currentStatus(), pages, verification: null });

  const prepared = await task("prepare", async () => {
    const { done } = await prepareRun({ runId, deps });
    return { done, basePages: done ? 1 : await planBasePages(runId, deps.pageSize ?? DEFAULT_PAGE_SIZE) };
  });
  if (isHalted(prepared) || prepared.done) return ended(0);

  let pages = 0;
  for (let n = 1; ; n += 1) {
    if (io.shouldStop?.()) return ended(pages);
    const result = await task(`page-${n}`, () =>
      processPages({ runId, deps, maxPages: pagesForStep(n, prepared.basePages), minMs: io.pageTaskMs, shouldStop: io.shouldStop }),
    );
    if (isHalted(result)) return ended(pages);
    pages += result.processed;
    if (result.done) break;
  }

  const finalized = await task("finalize", () => finalizeRun({ runId, deps }));
  if (isHalted(finalized) || !SUCCEEDED_STATUSES.includes(finalized.status)) return ended(pages);
  // Never throws: verification records its own outcome and never changes the run's status.
  const verification = await io.runTask(VERIFY_TASK, async () => {
    const result = await verifyRun({ runId, deps });
    return result && { checked: result.checked, verified: result.verified, message: result.message };
  });
  return { runId, status: finalized.status, pages, verification };
}

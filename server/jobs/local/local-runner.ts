/**
 * The embedded job runner: executes sync runs inside the app server when Inngest is not configured. It
 * claims queued runs (and runs whose runner died) from the database, runs the engine page by page while
 * renewing its lease, then finalizes and verifies, and ticks once a minute to queue due schedules. A restarted process resumes a run
 * from its last committed page.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { getDb } from "~/server/db/client";
import { enqueueDueSyncs } from "~/server/jobs/enqueue-due-syncs";
import { describeRunError, isPermanentRunError } from "~/server/jobs/run-error";
import { logger } from "~/server/lib/logger";
import { cleanupOldRunData, failRun, finalizeRun, prepareRun, processNextPage, type EngineDeps } from "~/server/sync/engine";
import { appendRunLog, transitionRun } from "~/server/sync/run-status";
import { verifyRun } from "~/server/sync/verify-run";
import { claimRun, releaseLease, renewLease, type ClaimedRun } from "./claim-run";
import { onRunQueued } from "./wake-signal";

export type LocalRunnerOptions = {
  /** Names this runner in `SyncRun.claimedBy`; unique per process by default. */
  runnerId?: string;
  /** How often to look for claimable runs besides wake-ups (default 2 s). */
  pollMs?: number;
  /** Runs executed at once by this runner (default 2); never two of one sync. */
  maxConcurrentRuns?: number;
  /** Lease length (default 60 s): a run is taken over this long after its runner stops renewing. */
  leaseMs?: number;
  /** Schedule tick interval (default 60 s); 0 turns the tick off. */
  scheduleTickMs?: number;
  /** How often old run logs and record errors are deleted (default 6 h); 0 turns it off. */
  cleanupEveryMs?: number;
  /** Attempts per run before a retryable error fails it (default 3). */
  maxAttempts?: number;
  /** Wait before a failed attempt is retried, times the attempt number (default 15 s). */
  retryDelayMs?: number;
  /** Engine dependencies for each run (production: createEngineDeps). */
  deps: () => EngineDeps;
};

export type LocalRunner = {
  runnerId: string;
  /** Looks for runs now instead of at the next poll. */
  wake(): void;
  /** Lets every run in progress finish its current page, gives the runs back, and stops. */
  stop(): Promise<void>;
};

const DEFAULTS = {
  pollMs: 2_000,
  maxConcurrentRuns: 2,
  leaseMs: 60_000,
  scheduleTickMs: 60_000,
  cleanupEveryMs: 6 * 60 * 60 * 1000,
  maxAttempts: 3,
  retryDelayMs: 15_000,
};

type Outcome = { retryAt?: Date };

export function startLocalRunner(options: LocalRunnerOptions): LocalRunner {
  const config = {
    pollMs: options.pollMs ?? DEFAULTS.pollMs,
    maxConcurrentRuns: options.maxConcurrentRuns ?? DEFAULTS.maxConcurrentRuns,
    leaseMs: options.leaseMs ?? DEFAULTS.leaseMs,
    scheduleTickMs: options.scheduleTickMs ?? DEFAULTS.scheduleTickMs,
    cleanupEveryMs: options.cleanupEveryMs ?? DEFAULTS.cleanupEveryMs,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
  };
  const runnerId = options.runnerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const active = new Map<string, { syncId: string; done: Promise<void> }>();
  let stopping = false;
  let pumping: Promise<void> | null = null;
  let pumpAgain = false;

  async function handleFailure(runId: string, error: unknown): Promise<Outcome> {
    const db = await getDb();
    const run = await db.syncRun.findUnique({ where: { id: runId }, select: { status: true, attempt: true, cancelRequested: true } });
    if (!run || (run.status !== "QUEUED" && run.status !== "RUNNING")) return {};
    if (run.cancelRequested) {
      if (await transitionRun({ runId, from: ["QUEUED", "RUNNING"], to: "CANCELLED" })) await appendRunLog(runId, "info", "cancel", "Cancelled");
      return {};
    }
    if (isPermanentRunError(error) || run.attempt >= config.maxAttempts) {
      await failRun({ runId, error: describeRunError(error) });
      return {};
    }
    const delayMs = config.retryDelayMs * Math.max(1, run.attempt);
    await appendRunLog(
      runId,
      "warn",
      "retry",
      `Attempt ${run.attempt} of ${config.maxAttempts} failed: ${describeRunError(error)}. Retrying in ${Math.round(delayMs / 1000)} s from the last committed page`,
    );
    return { retryAt: new Date(Date.now() + delayMs) };
  }

  async function execute(claim: ClaimedRun): Promise<void> {
    const runId = claim.id;
    const controller = new AbortController();
    const deps: EngineDeps = { ...options.deps(), signal: controller.signal };
    let lost = false;
    const renew = async () => {
      if (lost) return false;
      if (!(await renewLease({ runId, runnerId, leaseMs: config.leaseMs }))) {
        // Another runner took the run over (this one was presumed dead) or it finished: stop touching it.
        lost = true;
        controller.abort(new Error("The run's lease moved to another runner"));
      }
      return !lost;
    };
    // A page can take longer than the lease (slow source, destination backoff): keep the lease alive meanwhile.
    const heartbeat = setInterval(() => void renew().catch((error: unknown) => logger.warn("Could not renew a run lease", { runId, error })), config.leaseMs / 3);
    heartbeat.unref();
    let outcome: Outcome = {};
    try {
      let step = await prepareRun({ runId, deps });
      while (!step.done) {
        if (stopping || !(await renew())) return;
        step = await processNextPage({ runId, deps });
      }
      if (lost) return;
      await finalizeRun({ runId, deps });
      // Never throws; records its own outcome on the run.
      await verifyRun({ runId, deps });
    } catch (error) {
      if (lost) return;
      outcome = await handleFailure(runId, error);
    } finally {
      clearInterval(heartbeat);
      await releaseLease({ runId, runnerId, retryAt: outcome.retryAt }).catch((error: unknown) =>
        logger.warn("Could not release a run lease; it expires on its own", { runId, error }),
      );
    }
  }

  async function claimAndStart(): Promise<void> {
    do {
      pumpAgain = false;
      while (!stopping && active.size < config.maxConcurrentRuns) {
        const claim = await claimRun({ runnerId, leaseMs: config.leaseMs, skipSyncIds: [...active.values()].map((a) => a.syncId) });
        if (!claim) break;
        if (stopping) {
          await releaseLease({ runId: claim.id, runnerId });
          break;
        }
        const done = execute(claim)
          .catch((error: unknown) => logger.error("The in-process runner could not finish a run", { runId: claim.id, error }))
          .finally(() => {
            active.delete(claim.id);
            if (!stopping) void pump();
          });
        active.set(claim.id, { syncId: claim.syncId, done });
      }
    } while (pumpAgain && !stopping);
  }

  /** Claims runs until the runner is full; calls while a claim is in progress make it look once more. */
  function pump(): Promise<void> {
    if (pumping) {
      pumpAgain = true;
      return pumping;
    }
    pumping = claimAndStart()
      .catch((error: unknown) => logger.error("The in-process runner could not claim runs", { runnerId, error }))
      .finally(() => {
        pumping = null;
      });
    return pumping;
  }

  async function tick(): Promise<void> {
    try {
      const queued = await enqueueDueSyncs();
      if (queued.length > 0) void pump();
    } catch (error) {
      logger.error("The schedule tick failed", { runnerId, error });
    }
  }

  async function cleanup(): Promise<void> {
    try {
      const removed = await cleanupOldRunData();
      if (removed.logs || removed.errors) logger.info("Deleted old run data", removed);
    } catch (error) {
      logger.error("Could not delete old run data", { error });
    }
  }

  const timers: NodeJS.Timeout[] = [setInterval(() => void pump(), config.pollMs)];
  if (config.scheduleTickMs > 0) timers.push(setInterval(() => void tick(), config.scheduleTickMs));
  if (config.cleanupEveryMs > 0) timers.push(setInterval(() => void cleanup(), config.cleanupEveryMs));
  for (const timer of timers) timer.unref();
  const unsubscribe = onRunQueued(() => void pump());
  void (async () => {
    if (config.scheduleTickMs > 0) await tick();
    await pump();
    if (config.cleanupEveryMs > 0) await cleanup();
  })();

  return {
    runnerId,
    wake: () => void pump(),
    async stop() {
      stopping = true;
      unsubscribe();
      for (const timer of timers) clearInterval(timer);
      await pumping;
      await Promise.all([...active.values()].map((a) => a.done));
    },
  };
}

/**
 * The embedded job runner: executes sync runs inside the app server when Inngest is not configured. It
 * claims queued runs (and runs whose runner died) from the database and runs each through runSyncRun,
 * renewing its lease before every task and while it runs, and ticks once a minute to queue due schedules. A restarted process resumes a run
 * from its last committed page.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { enqueueDueSyncs } from "~/server/jobs/enqueue-due-syncs";
import { RETRY_DEFAULTS, RunRetryError, runSyncRun, FINAL_TASKS, type RunIo } from "~/server/jobs/run-sync-run";
import { logger } from "~/server/lib/logger";
import { cleanupOldRunData, type EngineDeps } from "~/server/sync/engine";
import { claimRun, releaseLease, renewLease, type ClaimedRun } from "./claim-run";
import { onRunQueued } from "./wake-signal";

export type LocalRunnerOptions = {
  /** Names this runner in `SyncRun.claimedBy`; unique per process by default. */
  runnerId?: string;
  /** How often to look for claimable runs besides wake-ups (default 2 s). */
  pollMs?: number;
  /** Runs executed at once by this runner (default 2); never two of one sync. */
  maxConcurrentRuns?: number;
  /**
   * Runs of one workspace at once in this runner (default: one fewer than maxConcurrentRuns, at least 1),
   * so one tenant's long runs cannot keep another's small sync waiting.
   */
  maxRunsPerWorkspace?: number;
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
  /** A page step keeps going for at least this long (default 10 s), so the run's context loads once per step, not per page. */
  pageTaskMs?: number;
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
  maxAttempts: RETRY_DEFAULTS.maxAttempts,
  retryDelayMs: RETRY_DEFAULTS.retryDelayMs,
  pageTaskMs: 10_000,
};

export function startLocalRunner(options: LocalRunnerOptions): LocalRunner {
  const config = {
    pollMs: options.pollMs ?? DEFAULTS.pollMs,
    maxConcurrentRuns: options.maxConcurrentRuns ?? DEFAULTS.maxConcurrentRuns,
    maxRunsPerWorkspace: options.maxRunsPerWorkspace ?? Math.max(1, (options.maxConcurrentRuns ?? DEFAULTS.maxConcurrentRuns) - 1),
    leaseMs: options.leaseMs ?? DEFAULTS.leaseMs,
    scheduleTickMs: options.scheduleTickMs ?? DEFAULTS.scheduleTickMs,
    cleanupEveryMs: options.cleanupEveryMs ?? DEFAULTS.cleanupEveryMs,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
    pageTaskMs: options.pageTaskMs ?? DEFAULTS.pageTaskMs,
  };
  const runnerId = options.runnerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const active = new Map<string, { syncId: string; workspaceId: string; done: Promise<void> }>();
  let stopping = false;
  let pumping: Promise<void> | null = null;
  let pumpAgain = false;

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
    const io: RunIo = {
      async runTask(key, fn) {
        // A lease covers an active run; the verification and alerts of a final one must not be aborted for lacking one.
        if (FINAL_TASKS.includes(key)) {
          clearInterval(heartbeat);
          return fn();
        }
        if (!(await renew())) throw controller.signal.reason;
        return fn();
      },
      pageTaskMs: config.pageTaskMs,
      shouldStop: () => stopping || lost,
    };
    let retryAt: Date | undefined;
    try {
      await runSyncRun({ runId, deps, io, retry: { maxAttempts: config.maxAttempts, retryDelayMs: config.retryDelayMs } });
    } catch (error) {
      if (error instanceof RunRetryError) retryAt = new Date(Date.now() + error.retryInMs);
      else if (!lost && !controller.signal.aborted) throw error;
    } finally {
      clearInterval(heartbeat);
      await releaseLease({ runId, runnerId, retryAt }).catch((error: unknown) =>
        logger.warn("Could not release a run lease; it expires on its own", { runId, error }),
      );
    }
  }

  async function claimAndStart(): Promise<void> {
    do {
      pumpAgain = false;
      while (!stopping && active.size < config.maxConcurrentRuns) {
        const perWorkspace = new Map<string, number>();
        for (const a of active.values()) perWorkspace.set(a.workspaceId, (perWorkspace.get(a.workspaceId) ?? 0) + 1);
        const claim = await claimRun({
          runnerId,
          leaseMs: config.leaseMs,
          skipSyncIds: [...active.values()].map((a) => a.syncId),
          skipWorkspaceIds: [...perWorkspace].filter(([, n]) => n >= config.maxRunsPerWorkspace).map(([id]) => id),
        });
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
        active.set(claim.id, { syncId: claim.syncId, workspaceId: claim.workspaceId, done });
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

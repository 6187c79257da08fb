import { env } from "~/env.js";
import { createEngineDeps } from "~/server/jobs/engine-deps";
import { getJobRunnerKind } from "~/server/jobs/runner-kind";
import { logger } from "~/server/lib/logger";
import { startLocalRunner, type LocalRunner } from "./local-runner";

// Dev mode re-evaluates modules on reload; the process must still run one runner only.
const globalForRunner = globalThis as unknown as { __tidewaterLocalRunner?: LocalRunner };

/**
 * Starts this process's in-process runner once, when runs are not executed by Inngest and the instance
 * is not told to stay out of job execution (RUNNER=off). Answers the runner, or null when none runs here.
 */
export function startEmbeddedRunner(): LocalRunner | null {
  if (getJobRunnerKind() !== "in-process" || env.RUNNER === "off") return null;
  if (!globalForRunner.__tidewaterLocalRunner) {
    const runner = startLocalRunner({ deps: () => createEngineDeps() });
    globalForRunner.__tidewaterLocalRunner = runner;
    logger.info("In-process job runner started", { runnerId: runner.runnerId });
  }
  return globalForRunner.__tidewaterLocalRunner;
}

/**
 * Test-only: the in-process runner in a process of its own, so runner-crash.int.test.ts can SIGKILL it
 * while batches are in flight. Configured through the environment the test hands it (DATABASE_URL, the
 * simulator's CLEVERTAP_API_BASE_URL, RUNNER_LEASE_MS, RUNNER_PAGE_SIZE); runs until it is killed.
 */
import { createEngineDeps } from "~/server/jobs/engine-deps";
import { startLocalRunner } from "../local-runner";

const runner = startLocalRunner({
  deps: () => createEngineDeps({ pageSize: Number(process.env.RUNNER_PAGE_SIZE ?? 100) }),
  leaseMs: Number(process.env.RUNNER_LEASE_MS ?? 3000),
  pollMs: 100,
  scheduleTickMs: 0,
  cleanupEveryMs: 0,
});
runner.wake();
// The runner's timers are unref'd where they can be; this keeps the process alive until the kill.
setInterval(() => undefined, 60_000);

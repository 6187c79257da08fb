/**
 * Wakes the in-process runners of this process when a run is queued, so "Run now" starts at once instead
 * of at the next poll. Kept on globalThis because Next.js may load this module once per bundle
 * (instrumentation vs route handlers) in the same process.
 */
type Waker = () => void;

const globalForWake = globalThis as unknown as { __tidewaterRunnerWakers?: Set<Waker> };

function wakers(): Set<Waker> {
  return (globalForWake.__tidewaterRunnerWakers ??= new Set());
}

/** Registers a runner; answers the function that unregisters it. */
export function onRunQueued(waker: Waker): () => void {
  wakers().add(waker);
  return () => wakers().delete(waker);
}

export function wakeLocalRunners(): void {
  for (const wake of wakers()) wake();
}

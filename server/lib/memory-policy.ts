import { setFlagsFromString } from "node:v8";
import { env } from "~/env.js";

/**
 * Keeps the process's heap close to what it really holds. A sync allocates fast and keeps little (its
 * pages are bounded), and V8 answers fast allocation by letting the heap grow to several times the
 * live data before a full collection: a million-row run peaked at 800–1,000 MB although the live heap
 * stayed near 150 MB, and the peak grew with the table. Growing by at most HEAP_GROWING_PERCENT after
 * each full collection holds the peak flat at any size, for a few more collections. It is a growth
 * factor, not a cap: a process that needs more memory still gets it.
 *
 * V8 reads the factor at every collection, so setting it once at boot is enough; Node.js does not
 * freeze V8's flags after start-up (v8.setFlagsFromString is public API). NODE_OPTIONS cannot carry
 * this flag, hence the call.
 */
export function applyMemoryPolicy(): void {
  if (env.HEAP_GROWING_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${env.HEAP_GROWING_PERCENT}`);
}

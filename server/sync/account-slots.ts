/**
 * Requests in flight per destination account, shared by every run in this process: a destination's
 * documented concurrency (CleverTap: 15 uploads per account) is the account's, not each run's.
 * Kept on globalThis because Next.js may load this module once per bundle in the same process.
 */
type Slots = { limit: number; used: number; waiting: (() => void)[] };

const globalForSlots = globalThis as unknown as { __tidewaterAccountSlots?: Map<string, Slots> };

function slotsFor(account: string, limit: number): Slots {
  const all = (globalForSlots.__tidewaterAccountSlots ??= new Map());
  let slots = all.get(account);
  if (!slots) {
    slots = { limit, used: 0, waiting: [] };
    all.set(account, slots);
  }
  slots.limit = limit;
  return slots;
}

/** Waits for a free slot of the account; answers the function that gives it back. */
export async function acquireAccountSlot(account: string, limit: number, signal?: AbortSignal): Promise<() => void> {
  const slots = slotsFor(account, Math.max(1, limit));
  while (slots.used >= slots.limit) {
    signal?.throwIfAborted();
    await new Promise<void>((resolve) => slots.waiting.push(resolve));
  }
  slots.used += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    slots.used -= 1;
    slots.waiting.shift()?.();
  };
}

/** Slots in use for an account (tests and the benchmark). */
export function accountSlotsInUse(account: string): number {
  return globalForSlots.__tidewaterAccountSlots?.get(account)?.used ?? 0;
}

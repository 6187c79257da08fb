/**
 * Per destination account limits, shared by every run in this process: a destination's documented
 * concurrency (CleverTap: 15 uploads, 3 reads per account) and request rate (Customer.io's Track API:
 * 100 requests/s per workspace) are the account's, not each run's.
 * Kept on globalThis because Next.js may load this module once per bundle in the same process.
 */
import { sleepFor } from "./deliver";

type Slots = { limit: number; used: number; waiting: (() => void)[] };
/** Start times (ms) of the account's most recent requests, and the queue of requests waiting for their turn. */
type Rate = { starts: number[]; turn: Promise<void> };

/**
 * A request starts only when fewer than `perSecond` requests started in the last 1.1 s: the extra
 * 100 ms absorb network jitter, so arrivals never crowd the destination's one-second window.
 */
const RATE_WINDOW_MS = 1100;

const globalForSlots = globalThis as unknown as { __tidewaterAccountSlots?: Map<string, Slots>; __tidewaterAccountRates?: Map<string, Rate> };

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

/**
 * Waits until the account may start one more request under `perSecond`, in arrival order, and counts
 * it. Call it right before the request goes out (after any slot is held), so the recorded start is
 * the real one even when the event loop was busy.
 */
export function acquireAccountRate(account: string, perSecond: number, signal?: AbortSignal): Promise<void> {
  const all = (globalForSlots.__tidewaterAccountRates ??= new Map());
  let rate = all.get(account);
  if (!rate) {
    rate = { starts: [], turn: Promise.resolve() };
    all.set(account, rate);
  }
  const limit = Math.max(1, Math.floor(perSecond));
  const state = rate;
  const mine = state.turn.then(async () => {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      while (state.starts.length > 0 && state.starts[0]! <= now - RATE_WINDOW_MS) state.starts.shift();
      if (state.starts.length < limit) {
        state.starts.push(now);
        return;
      }
      await sleepFor(state.starts[0]! + RATE_WINDOW_MS - now, signal);
    }
  });
  state.turn = mine.catch(() => {});
  return mine;
}

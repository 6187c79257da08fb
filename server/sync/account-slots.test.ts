import { describe, expect, it } from "vitest";
import { acquireAccountRate, acquireAccountSlot, accountSlotsInUse } from "./account-slots";

describe("account request rate", () => {
  it("never starts more than perSecond requests within 1.1 s, in arrival order, shared by every caller of the account", async () => {
    const account = `rate-test-${Math.random()}`;
    const starts: { caller: string; at: number }[] = [];
    // Two "runs" of the same account ask at once; their starts share one window.
    const ask = (caller: string) => acquireAccountRate(account, 3).then(() => starts.push({ caller, at: Date.now() }));
    await Promise.all([ask("a1"), ask("b1"), ask("a2"), ask("b2"), ask("a3"), ask("b3"), ask("a4")]);
    expect(starts.map((s) => s.caller)).toEqual(["a1", "b1", "a2", "b2", "a3", "b3", "a4"]);
    // Any 4 consecutive starts span at least the window: a lower bound, so a slow machine cannot break it.
    for (let i = 0; i + 3 < starts.length; i += 1) expect(starts[i + 3]!.at - starts[i]!.at).toBeGreaterThanOrEqual(1100);
    // Another account is not held back by this one's window.
    await acquireAccountRate(`${account}-other`, 3);
  });

  it("lets a waiter whose signal aborts leave without blocking the queue", async () => {
    const account = `rate-abort-${Math.random()}`;
    await acquireAccountRate(account, 1);
    const controller = new AbortController();
    const aborted = acquireAccountRate(account, 1, controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(aborted).rejects.toThrow("cancelled");
    await acquireAccountRate(account, 1);
  });
});

describe("account slots", () => {
  it("hands out at most `limit` slots and gives the next one to the first waiter", async () => {
    const account = `slots-${Math.random()}`;
    const first = await acquireAccountSlot(account, 1);
    let second = false;
    const waiting = acquireAccountSlot(account, 1).then((release) => ((second = true), release));
    await Promise.resolve();
    expect(second).toBe(false);
    expect(accountSlotsInUse(account)).toBe(1);
    first();
    (await waiting)();
    expect(second).toBe(true);
    expect(accountSlotsInUse(account)).toBe(0);
  });
});

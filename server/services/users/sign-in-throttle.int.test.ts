/**
 * The sign-in throttle under parallel guessing, on PGlite and on a real PostgreSQL server (where the
 * statements truly run side by side on separate connections).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "~/server/db/client";
import type { AppError } from "~/server/lib/errors";
import { provisionPostgresAppDatabase } from "~/server/testing/app-database";
import { checkPassword } from "./password-hashing";
import { reserveSignInAttempt, settleSuccessfulSignIn } from "./sign-in-throttle";
import { signUpUser } from "./sign-up-user";
import { verifyCredentials } from "./verify-credentials";

// The real bcrypt check, watched: counts how many attempts reached it.
vi.mock("./password-hashing", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./password-hashing")>();
  return { ...actual, checkPassword: vi.fn(actual.checkPassword) };
});

const PASSWORD = "Correct-Horse-42";
let counter = 0;
const unique = (label: string) => `${label}-${Date.now().toString(36)}-${counter++}@example.com`;

function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "ok",
    (e: AppError) => `${e.code}: ${e.message}`,
  );
}

function throttleSuite() {
  it("checks only five of thirty parallel guesses from one address, and lets the owner in from another", async () => {
    const email = unique("victim");
    await signUpUser({ email, password: PASSWORD });
    const compare = vi.mocked(checkPassword);
    compare.mockClear();
    {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => outcome(verifyCredentials({ email, password: i === 29 ? PASSWORD : `Wrong-guess-${i}`, clientIp: "203.0.113.7" }))),
      );
      expect(compare).toHaveBeenCalledTimes(5);
      const checked = results.filter((r) => r === "ok" || r.startsWith("UNAUTHORIZED"));
      expect(checked).toHaveLength(5);
      const refused = results.filter((r) => r.startsWith("TOO_MANY_REQUESTS"));
      expect(refused).toHaveLength(25);
      expect(refused[0]).toMatch(/^TOO_MANY_REQUESTS: Too many failed sign-in attempts for this email\. Try again in \d+ seconds\.$/);
    }
    const db = await getDb();
    const rows = await db.signInThrottle.findMany({ where: { key: { endsWith: email } }, orderBy: { key: "asc" } });
    // Only the checked attempts were counted; the refused ones never touched the email-wide counter.
    expect(rows.map((r) => [r.key.split(":")[0], r.failures])).toEqual(
      expect.arrayContaining([
        ["email", expect.any(Number)],
        ["ip-email", 5],
      ]),
    );
    expect(rows.find((r) => r.key.startsWith("email:"))!.failures).toBeLessThanOrEqual(5);

    // The owner, from their own address, is not locked out by the attacker's storm.
    await expect(verifyCredentials({ email, password: PASSWORD, clientIp: "198.51.100.20" })).resolves.toMatchObject({ email });
    // The attacker's address still waits, even with the right password.
    await expect(verifyCredentials({ email, password: PASSWORD, clientIp: "203.0.113.7" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("keeps one address from hammering one email past its own lock, however long it tries", async () => {
    const email = unique("hammered");
    await signUpUser({ email, password: PASSWORD });
    const start = new Date(Date.now() + 3600_000);
    for (let minute = 0; minute < 14; minute++) {
      const now = new Date(start.getTime() + minute * 60_000);
      await Promise.all(Array.from({ length: 10 }, (_, i) => outcome(verifyCredentials({ email, password: `Wrong-${minute}-${i}`, clientIp: "203.0.113.8", now }))));
    }
    const db = await getDb();
    const emailWide = await db.signInThrottle.findUnique({ where: { key: `email:${email}` } });
    // 140 tries in 14 minutes; the doubling waits let through only a handful, far from the email-wide limit.
    expect(emailWide!.failures).toBeLessThan(12);
    await expect(verifyCredentials({ email, password: PASSWORD, clientIp: "198.51.100.21", now: start })).resolves.toMatchObject({ email });
  });

  // The counters themselves, without bcrypt: verifyCredentials is reserve → check → settle on success.
  it("throttles one address spraying many emails, and its own account's sign-ins do not wash that out", async () => {
    const ip = "203.0.113.9";
    const own = unique("own");
    const now = new Date();
    const results: string[] = [];
    for (let i = 0; i < 31; i++) {
      results.push(await outcome(reserveSignInAttempt({ email: unique("spray"), clientIp: ip, now })));
      // The 30th failure is still checked, and it locks the address.
      if (i < 29) {
        const attempt = await reserveSignInAttempt({ email: own, clientIp: ip, now });
        await settleSuccessfulSignIn(attempt);
      }
    }
    expect(results.slice(0, 30).every((r) => r === "ok")).toBe(true);
    expect(results[30]).toMatch(/^TOO_MANY_REQUESTS: Too many failed sign-in attempts from your network\. Try again in 60 seconds\.$/);
    const db = await getDb();
    expect((await db.signInThrottle.findUnique({ where: { key: `ip:${ip}` } }))!.failures).toBe(30);
    // Another address is unaffected.
    expect(await outcome(reserveSignInAttempt({ email: unique("spray"), clientIp: "203.0.113.10", now }))).toBe("ok");
  });

  it("slows down a distributed attack on one email only after a much higher count, and only for a minute", async () => {
    const email = unique("distributed");
    const now = new Date();
    for (let host = 0; host < 20; host++) {
      const results = await Promise.all(Array.from({ length: 8 }, () => outcome(reserveSignInAttempt({ email, clientIp: `192.0.2.${host}`, now }))));
      // Each address gets its own five, then its own lock.
      expect(results.filter((r) => r === "ok")).toHaveLength(5);
    }
    const db = await getDb();
    expect((await db.signInThrottle.findUnique({ where: { key: `email:${email}` } }))!.failures).toBe(100);
    expect(await outcome(reserveSignInAttempt({ email, clientIp: "192.0.2.200", now }))).toBe(
      "TOO_MANY_REQUESTS: Too many failed sign-in attempts for this email. Try again in 60 seconds.",
    );
    expect(await outcome(reserveSignInAttempt({ email, clientIp: "192.0.2.200", now: new Date(now.getTime() + 61_000) }))).toBe("ok");
  });
}

describe("on PGlite", () => {
  // Opening PGlite and migrating it is the slow part; do it outside the tests' own time limit.
  beforeAll(() => getDb());
  afterAll(() => closeDb());
  throttleSuite();
});

describe("on PostgreSQL", () => {
  provisionPostgresAppDatabase("throttle");
  it("runs against the PostgreSQL server", async () => {
    const db = await getDb();
    const [row] = await db.$queryRaw<{ version: string }[]>`SELECT version()`;
    expect(row?.version).not.toMatch(/wasm|emscripten/i);
  });
  throttleSuite();
});

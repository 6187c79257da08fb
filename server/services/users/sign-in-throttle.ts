import { getDb } from "~/server/db/client";
import { Prisma } from "~/server/db/generated/client";
import { AppError } from "~/server/lib/errors";

/**
 * Sign-in throttling. Each attempt reserves one point on three counters *before* the password is
 * checked, all in one atomic statement, so parallel guesses queue on the rows instead of all reading
 * "not locked yet":
 *
 * - `ip-email`: one email from one client address. Five attempts in fifteen minutes, then each further
 *   attempt waits 30 s, doubling up to 15 min. This is the lock an attacker at one address runs into.
 * - `ip`: one client address, any email (password spraying). Thirty failures in fifteen minutes, then the
 *   same doubling wait.
 * - `email`: one email from anywhere (a distributed attack). A much higher threshold, one hundred failures
 *   in fifteen minutes, then one attempt a minute; no single address can reach it, because its own
 *   `ip-email` lock stops it first, so nobody at one address can lock the owner out.
 *
 * A correct password removes the `ip-email` counter and gives back the point it reserved on the others,
 * so only failures count there and a known account cannot be used to wash out failed guesses.
 */
type Rule = { prefix: "ip-email" | "ip" | "email"; free: number; baseLockMs: number; growth: number; maxLockMs: number; message: string };

const WINDOW_MS = 15 * 60_000;
const EMAIL_MESSAGE = "Too many failed sign-in attempts for this email.";
const RULES: Rule[] = [
  { prefix: "ip-email", free: 5, baseLockMs: 30_000, growth: 2, maxLockMs: 15 * 60_000, message: EMAIL_MESSAGE },
  { prefix: "ip", free: 30, baseLockMs: 60_000, growth: 2, maxLockMs: 15 * 60_000, message: "Too many failed sign-in attempts from your network." },
  { prefix: "email", free: 100, baseLockMs: 60_000, growth: 1, maxLockMs: 60_000, message: EMAIL_MESSAGE },
];

export type SignInAttempt = { keys: { ipEmail: string; ip: string; email: string } };

function keysFor(email: string, clientIp: string) {
  return { ipEmail: `ip-email:${clientIp}|${email}`, ip: `ip:${clientIp}`, email: `email:${email}` };
}

function upsertRule(rule: Rule, key: string, now: Date, windowCutoff: Date, onlyIf: Prisma.Sql | null): Prisma.Sql {
  // The attempt number this reservation becomes, and the wait it imposes on the attempt after it.
  return Prisma.sql`
    INSERT INTO "SignInThrottle" AS t ("key", "failures", "windowStart", "lockedUntil")
    SELECT ${key}, 1, ${now}::timestamp(3), NULL::timestamp(3) ${onlyIf ? Prisma.sql`WHERE EXISTS (${onlyIf})` : Prisma.empty}
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."windowStart" <= ${windowCutoff} THEN 1 ELSE t."failures" + 1 END,
      "windowStart" = CASE WHEN t."windowStart" <= ${windowCutoff} THEN ${now} ELSE t."windowStart" END,
      "lockedUntil" = CASE
        WHEN t."windowStart" <= ${windowCutoff} OR t."failures" + 1 < ${rule.free} THEN NULL
        ELSE ${now}::timestamp(3) + LEAST(${rule.maxLockMs}::float8, ${rule.baseLockMs}::float8 * power(${rule.growth}::float8, t."failures" + 1 - ${rule.free})) * interval '1 millisecond'
      END
    WHERE t."lockedUntil" IS NULL OR t."lockedUntil" <= ${now}
    RETURNING 1`;
}

/**
 * Takes one point from each counter in turn, in one statement, stopping at the first that is locked (so
 * a locked-out address adds nothing to the email-wide counter). Throws TOO_MANY_REQUESTS with the wait.
 */
export async function reserveSignInAttempt({ email, clientIp, now }: { email: string; clientIp: string; now: Date }): Promise<SignInAttempt> {
  const db = await getDb();
  const keys = keysFor(email, clientIp);
  const [pairRule, addressRule, emailRule] = RULES as [Rule, Rule, Rule];
  const windowCutoff = new Date(now.getTime() - WINDOW_MS);
  const [row] = await db.$queryRaw<{ reached: number; pairLock: Date | null; addressLock: Date | null; emailLock: Date | null }[]>`
    WITH pair AS (${upsertRule(pairRule, keys.ipEmail, now, windowCutoff, null)}),
    address AS (${upsertRule(addressRule, keys.ip, now, windowCutoff, Prisma.sql`SELECT 1 FROM pair`)}),
    mail AS (${upsertRule(emailRule, keys.email, now, windowCutoff, Prisma.sql`SELECT 1 FROM address`)})
    SELECT
      (SELECT count(*) FROM pair)::int + (SELECT count(*) FROM address)::int + (SELECT count(*) FROM mail)::int AS reached,
      (SELECT "lockedUntil" FROM "SignInThrottle" WHERE "key" = ${keys.ipEmail}) AS "pairLock",
      (SELECT "lockedUntil" FROM "SignInThrottle" WHERE "key" = ${keys.ip}) AS "addressLock",
      (SELECT "lockedUntil" FROM "SignInThrottle" WHERE "key" = ${keys.email}) AS "emailLock"`;
  const reached = row?.reached ?? 0;
  if (reached === RULES.length) return { keys };
  const rule = RULES[reached]!;
  // The statement's own snapshot may predate a lock a parallel attempt just set; then read it again.
  let lockedUntil = [row?.pairLock, row?.addressLock, row?.emailLock][reached] ?? null;
  if (!lockedUntil || lockedUntil <= now) {
    const key = [keys.ipEmail, keys.ip, keys.email][reached]!;
    lockedUntil = (await db.signInThrottle.findUnique({ where: { key }, select: { lockedUntil: true } }))?.lockedUntil ?? null;
  }
  const seconds = Math.max(1, Math.ceil(((lockedUntil?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
  throw new AppError("TOO_MANY_REQUESTS", `${rule.message} Try again in ${seconds} seconds.`, { retryAfterSeconds: seconds });
}

/** The password was right: forget this address's failures for the email and return the reserved points, in one statement. */
export async function settleSuccessfulSignIn({ keys }: SignInAttempt): Promise<void> {
  const db = await getDb();
  const [, addressRule, emailRule] = RULES as [Rule, Rule, Rule];
  await db.$executeRaw`
    WITH forget AS (DELETE FROM "SignInThrottle" WHERE "key" = ${keys.ipEmail})
    UPDATE "SignInThrottle" SET
      "failures" = GREATEST("failures" - 1, 0),
      "lockedUntil" = CASE WHEN "failures" - 1 < (CASE WHEN "key" = ${keys.ip} THEN ${addressRule.free}::int ELSE ${emailRule.free}::int END) THEN NULL ELSE "lockedUntil" END
    WHERE "key" IN (${keys.ip}, ${keys.email})`;
}

import bcrypt from "bcryptjs";
import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";

/** Failures allowed in a window before each further attempt must wait. */
const FREE_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
// Compared against when the email is unknown, so response time does not reveal which emails exist.
const DUMMY_HASH = "$2b$12$hY9q.hJJ5BJkgjaXomrHo.MupbChWUeM.dXexZeSo.fao6sS2LoX6";

export type VerifyCredentialsOptions = { email: string; password: string; now?: Date };

/**
 * Checks an email and password. Repeated failures for one email are slowed down: after five in
 * fifteen minutes each further attempt must wait, doubling up to fifteen minutes. The throttle is
 * stored in the database so every app instance enforces it.
 */
export async function verifyCredentials({ email, password, now = new Date() }: VerifyCredentialsOptions) {
  const normalized = email.trim().toLowerCase();
  const db = await getDb();
  const throttle = await db.signInThrottle.findUnique({ where: { email: normalized } });
  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    const seconds = Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / 1000);
    throw new AppError("TOO_MANY_REQUESTS", `Too many failed sign-in attempts for this email. Try again in ${seconds} seconds.`, {
      retryAfterSeconds: seconds,
    });
  }
  const user = await db.user.findUnique({ where: { email: normalized }, select: { id: true, email: true, name: true, passwordHash: true } });
  const ok = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (ok && user?.passwordHash) {
    if (throttle) await db.signInThrottle.delete({ where: { email: normalized } });
    return { id: user.id, email: user.email, name: user.name };
  }
  const inWindow = throttle && now.getTime() - throttle.windowStart.getTime() < WINDOW_MS;
  const failures = inWindow ? throttle.failures + 1 : 1;
  const excess = failures - FREE_FAILURES;
  const lockedUntil = excess > 0 ? new Date(now.getTime() + Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (excess - 1))) : null;
  await db.signInThrottle.upsert({
    where: { email: normalized },
    create: { email: normalized, failures, windowStart: now, lockedUntil },
    update: { failures, lockedUntil, ...(inWindow ? {} : { windowStart: now }) },
  });
  if (lockedUntil) {
    const seconds = Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000);
    throw new AppError("TOO_MANY_REQUESTS", `Too many failed sign-in attempts for this email. Try again in ${seconds} seconds.`, {
      retryAfterSeconds: seconds,
    });
  }
  throw new AppError("UNAUTHORIZED", "Wrong email or password.");
}

import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { checkPassword } from "./password-hashing";
import { reserveSignInAttempt, settleSuccessfulSignIn } from "./sign-in-throttle";

// Compared against when the email is unknown, so response time does not reveal which emails exist.
const DUMMY_HASH = "$2b$12$hY9q.hJJ5BJkgjaXomrHo.MupbChWUeM.dXexZeSo.fao6sS2LoX6";

export type VerifyCredentialsOptions = { email: string; password: string; clientIp: string; now?: Date };

/**
 * Checks an email and password from one client address. The attempt is counted before the password is
 * checked (see sign-in-throttle.ts), so guesses beyond the limit never reach bcrypt, however many run
 * in parallel.
 */
export async function verifyCredentials({ email, password, clientIp, now = new Date() }: VerifyCredentialsOptions) {
  const normalized = email.trim().toLowerCase();
  const attempt = await reserveSignInAttempt({ email: normalized, clientIp, now });
  const db = await getDb();
  const user = await db.user.findUnique({ where: { email: normalized }, select: { id: true, email: true, name: true, passwordHash: true } });
  const ok = await checkPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (ok && user?.passwordHash) {
    await settleSuccessfulSignIn(attempt);
    return { id: user.id, email: user.email, name: user.name };
  }
  throw new AppError("UNAUTHORIZED", "Wrong email or password.");
}

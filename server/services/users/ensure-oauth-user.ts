import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";

/**
 * GitHub/Google sign-ins map to the user with the same email, created on first sign-in. Only an email
 * the provider reports as verified may do that; anything else could claim another person's account.
 */
export async function ensureOauthUser({ email, name, emailVerified }: { email: string; name?: string | null; emailVerified: boolean }) {
  if (!emailVerified) throw new AppError("FORBIDDEN", "Your email is not verified with this provider. Verify it there, then sign in again.");
  const db = await getDb();
  const normalized = email.trim().toLowerCase();
  return db.user.upsert({
    where: { email: normalized },
    create: { id: createId("usr"), email: normalized, name: name ?? null },
    update: {},
    select: { id: true, email: true, name: true },
  });
}

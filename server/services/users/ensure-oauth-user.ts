import { getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";

/** GitHub/Google sign-ins map to the user with the same (verified) email, created on first sign-in. */
export async function ensureOauthUser({ email, name }: { email: string; name?: string | null }) {
  const db = await getDb();
  const normalized = email.trim().toLowerCase();
  return db.user.upsert({
    where: { email: normalized },
    create: { id: createId("usr"), email: normalized, name: name ?? null },
    update: {},
    select: { id: true, email: true, name: true },
  });
}

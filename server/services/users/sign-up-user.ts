import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { hashPassword } from "./password-hashing";
import { describeWeakPassword } from "./password-policy";

export type SignUpUserOptions = { email: string; password: string; name?: string };

export async function signUpUser({ email, password, name }: SignUpUserOptions) {
  const normalized = email.trim().toLowerCase();
  const weakness = describeWeakPassword(password, normalized);
  if (weakness) throw new AppError("BAD_REQUEST", `Password is too weak: ${weakness}`, { fieldErrors: { password: weakness } });
  const db = await getDb();
  const existing = await db.user.findUnique({ where: { email: normalized }, select: { id: true } });
  if (existing) {
    throw new AppError("CONFLICT", "An account with this email already exists. Sign in instead.", {
      fieldErrors: { email: "This email is already registered." },
    });
  }
  const passwordHash = await hashPassword(password);
  return db.user.create({
    data: { id: createId("usr"), email: normalized, name: name?.trim() || null, passwordHash },
    select: { id: true, email: true, name: true },
  });
}

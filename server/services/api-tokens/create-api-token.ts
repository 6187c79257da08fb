import { getDb } from "~/server/db/client";
import { createToken, hashToken } from "~/server/lib/crypto";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export const API_TOKEN_PREFIX = "twk";
/** Lifetimes the Settings page offers; null is "never expires". Any whole number of days up to ten years is accepted. */
export const API_TOKEN_LIFETIMES_DAYS = [30, 90, 365] as const;
const MAX_LIFETIME_DAYS = 3650;

export type CreateApiTokenOptions = { workspaceId: string; name: string; expiresInDays?: number | null; createdById?: string | null; actor: Actor; now?: Date };

/** Creates a workspace API token. The token is returned once; only its hash is stored. */
export async function createApiToken({ workspaceId, name, expiresInDays = null, createdById, actor, now = new Date() }: CreateApiTokenOptions) {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 80) throw new AppError("BAD_REQUEST", "Token name must be 1 to 80 characters.", { fieldErrors: { name: "Use 1 to 80 characters." } });
  if (expiresInDays !== null && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_LIFETIME_DAYS)) {
    throw new AppError("BAD_REQUEST", `A token's lifetime must be a whole number of days from 1 to ${MAX_LIFETIME_DAYS}, or never.`, {
      fieldErrors: { expiresInDays: `Use 1 to ${MAX_LIFETIME_DAYS} days, or never.` },
    });
  }
  const expiresAt = expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * 24 * 60 * 60_000);
  const token = createToken(API_TOKEN_PREFIX);
  const db = await getDb();
  const row = await db.apiToken.create({
    data: { id: createId("tok"), workspaceId, name: trimmed, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdById: createdById ?? null, expiresAt },
    select: { id: true, name: true, prefix: true, createdAt: true, expiresAt: true },
  });
  await recordAuditEntry({ workspaceId, actor, action: "apiToken.create", targetType: "apiToken", targetId: row.id, targetName: trimmed, details: { expiresAt: expiresAt?.toISOString() ?? null } });
  return { ...row, token };
}

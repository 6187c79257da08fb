import { getDb } from "~/server/db/client";
import { hashToken } from "~/server/lib/crypto";
import { AppError } from "~/server/lib/errors";

/** "2026-03-04 17:05 UTC": a moment people can read in an error message, whatever their time zone. */
export function formatTokenExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * The workspace an API token belongs to, or null for an unknown or revoked token. An expired token is
 * refused with its own message, so the automation's owner knows to create a new one rather than hunt
 * for a typo.
 */
export async function authenticateApiToken({ token, now = new Date() }: { token: string; now?: Date }) {
  const db = await getDb();
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, name: true, workspaceId: true, revokedAt: true, lastUsedAt: true, expiresAt: true },
  });
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt <= now) {
    throw new AppError("UNAUTHORIZED", `This API token expired on ${formatTokenExpiry(row.expiresAt)}. Create a new one on the workspace's Settings page.`);
  }
  // Coarse lastUsedAt keeps a busy automation from writing on every request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { tokenId: row.id, tokenName: row.name, workspaceId: row.workspaceId };
}

import { getDb } from "~/server/db/client";
import { hashToken } from "~/server/lib/crypto";

/** The workspace an API token belongs to, or null for an unknown or revoked token. */
export async function authenticateApiToken({ token }: { token: string }) {
  const db = await getDb();
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, name: true, workspaceId: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  // Coarse lastUsedAt keeps a busy automation from writing on every request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { tokenId: row.id, tokenName: row.name, workspaceId: row.workspaceId };
}

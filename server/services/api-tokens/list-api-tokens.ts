import { getDb } from "~/server/db/client";

/** Tokens not revoked, expired ones included (marked), so an admin sees why an automation stopped. */
export async function listApiTokens({ workspaceId, now = new Date() }: { workspaceId: string; now?: Date }) {
  const db = await getDb();
  const rows = await db.apiToken.findMany({
    where: { workspaceId, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true },
  });
  return rows.map((r) => ({ ...r, expired: r.expiresAt !== null && r.expiresAt <= now }));
}

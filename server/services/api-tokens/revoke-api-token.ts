import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export async function revokeApiToken({ workspaceId, tokenId, actor }: { workspaceId: string; tokenId: string; actor: Actor }) {
  const db = await getDb();
  const result = await db.apiToken.updateMany({ where: { id: tokenId, workspaceId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (result.count === 0) throw notFound("API token");
  await recordAuditEntry({ workspaceId, actor, action: "apiToken.revoke", targetType: "apiToken", targetId: tokenId });
  return { ok: true as const };
}

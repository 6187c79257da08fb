import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export async function revokeInvitation({ workspaceId, invitationId, actor }: { workspaceId: string; invitationId: string; actor: Actor }) {
  const db = await getDb();
  const result = await db.invitation.updateMany({ where: { id: invitationId, workspaceId, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
  if (result.count === 0) throw notFound("Invitation");
  await recordAuditEntry({ workspaceId, actor, action: "invitation.revoke", targetType: "invitation", targetId: invitationId });
  return { ok: true as const };
}

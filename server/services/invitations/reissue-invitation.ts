import { getDb } from "~/server/db/client";
import { createToken, hashToken } from "~/server/lib/crypto";
import { notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { INVITATION_TTL_MS, invitationUrl } from "./create-invitation";

/**
 * A new link for a pending invitation (lost, or expired): a fresh token replaces the stored hash, so the
 * old link stops working at once, and the seven days start again. Returned once, never logged.
 */
export async function reissueInvitation({ workspaceId, invitationId, actor, appUrl }: { workspaceId: string; invitationId: string; actor: Actor; appUrl: string }) {
  const db = await getDb();
  const token = createToken("inv");
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const updated = await db.$transaction(async (tx) => {
    const result = await tx.invitation.updateMany({ where: { id: invitationId, workspaceId, acceptedAt: null, revokedAt: null }, data: { tokenHash: hashToken(token), expiresAt } });
    if (result.count === 0) throw notFound("Invitation");
    const invitation = await tx.invitation.findFirstOrThrow({ where: { id: invitationId, workspaceId }, select: { id: true, email: true, role: true, expiresAt: true } });
    await recordAuditEntry({ workspaceId, actor, action: "invitation.reissue", targetType: "invitation", targetId: invitationId, targetName: invitation.email, tx });
    return invitation;
  });
  return { ...updated, url: invitationUrl(appUrl, token) };
}

import { getDb } from "~/server/db/client";
import { hashToken } from "~/server/lib/crypto";

/** What an invitation link leads to: enough for the invitee to decide, nothing more. */
export async function getInvitationByToken({ token }: { token: string }) {
  const db = await getDb();
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, workspace: { select: { name: true, slug: true } } },
  });
  if (!invitation) return null;
  const status: "pending" | "accepted" | "expired" | "revoked" = invitation.revokedAt ? "revoked" : invitation.acceptedAt ? "accepted" : invitation.expiresAt < new Date() ? "expired" : "pending";
  return { email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, workspaceName: invitation.workspace.name, workspaceSlug: invitation.workspace.slug, status };
}

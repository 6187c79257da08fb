import { getDb } from "~/server/db/client";
import { hashToken } from "~/server/lib/crypto";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry } from "~/server/services/audit/record-audit-entry";

/** Accepts an invitation for the signed-in user, whose email must be the invited one. */
export async function acceptInvitation({ token, userId }: { token: string; userId: string }) {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { workspace: { select: { slug: true, name: true } } } });
    if (!invitation || invitation.revokedAt) throw new AppError("NOT_FOUND", "This invitation link is not valid. Ask an admin for a new one.");
    if (invitation.acceptedAt) throw new AppError("CONFLICT", "This invitation was already accepted.");
    if (invitation.expiresAt < new Date()) throw new AppError("CONFLICT", "This invitation expired. Ask an admin of the workspace for a new one.");
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
    if (user.email !== invitation.email) {
      throw new AppError("FORBIDDEN", `This invitation is for ${invitation.email}, but you are signed in as ${user.email}. Sign in with the invited email.`);
    }
    const existing = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId } } });
    if (!existing) await tx.membership.create({ data: { id: createId("mem"), workspaceId: invitation.workspaceId, userId, role: invitation.role } });
    await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: new Date() } });
    await recordAuditEntry({ workspaceId: invitation.workspaceId, actor: { userId, label: user.email }, action: "invitation.accept", targetType: "invitation", targetId: invitation.id, targetName: user.email, tx });
    return { workspaceSlug: invitation.workspace.slug, workspaceName: invitation.workspace.name };
  });
}

import type { Role } from "~/server/db/generated/client";
import { getDb } from "~/server/db/client";
import { createToken, hashToken } from "~/server/lib/crypto";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

export type CreateInvitationOptions = { workspaceId: string; email: string; role: Role; invitedById: string; actor: Actor; appUrl: string };

/** The link an invitee opens. It carries the secret token, so it is returned once and never logged. */
export function invitationUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/$/, "")}/invite/${token}`;
}

/**
 * Invites an email to the workspace. There is no mail server: the link is returned once, for the admin
 * to copy and send; only the token's hash is stored. A lost link is re-issued (reissue-invitation.ts).
 */
export async function createInvitation({ workspaceId, email, role, invitedById, actor, appUrl }: CreateInvitationOptions) {
  const normalized = email.trim().toLowerCase();
  const db = await getDb();
  const alreadyMember = await db.membership.findFirst({ where: { workspaceId, user: { email: normalized } }, select: { id: true } });
  if (alreadyMember) throw new AppError("CONFLICT", `${normalized} is already a member of this workspace.`, { fieldErrors: { email: "Already a member." } });
  const token = createToken("inv");
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const invitation = await db.$transaction(async (tx) => {
    // A new invitation replaces any pending one for the same email.
    await tx.invitation.updateMany({ where: { workspaceId, email: normalized, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    const created = await tx.invitation.create({
      data: { id: createId("inv"), workspaceId, email: normalized, role, tokenHash: hashToken(token), invitedById, expiresAt },
      select: { id: true, email: true, role: true, expiresAt: true },
    });
    await recordAuditEntry({ workspaceId, actor, action: "invitation.create", targetType: "invitation", targetId: created.id, targetName: normalized, details: { role }, tx });
    return created;
  });
  return { ...invitation, url: invitationUrl(appUrl, token) };
}

import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export async function removeMember({ workspaceId, membershipId, actor }: { workspaceId: string; membershipId: string; actor: Actor }) {
  const db = await getDb();
  await db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { id: membershipId, workspaceId }, select: { id: true, role: true, user: { select: { email: true } } } });
    if (!member) throw notFound("Member");
    if (member.role === "ADMIN") {
      const admins = await tx.membership.count({ where: { workspaceId, role: "ADMIN" } });
      if (admins <= 1) throw new AppError("CONFLICT", "The last admin cannot be removed. Make another member an admin first.");
    }
    await tx.membership.delete({ where: { id: member.id } });
    await recordAuditEntry({ workspaceId, actor, action: "member.remove", targetType: "member", targetId: member.id, targetName: member.user.email, tx });
  });
  return { ok: true as const };
}

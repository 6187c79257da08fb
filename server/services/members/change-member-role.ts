import type { Role } from "~/server/db/generated/client";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

/** Changes a member's role; the workspace always keeps at least one admin. */
export async function changeMemberRole({ workspaceId, membershipId, role, actor }: { workspaceId: string; membershipId: string; role: Role; actor: Actor }) {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { id: membershipId, workspaceId }, select: { id: true, role: true, user: { select: { email: true } } } });
    if (!member) throw notFound("Member");
    if (member.role === "ADMIN" && role !== "ADMIN") {
      const admins = await tx.membership.count({ where: { workspaceId, role: "ADMIN" } });
      if (admins <= 1) throw new AppError("CONFLICT", "The last admin cannot be demoted. Make another member an admin first.");
    }
    const updated = await tx.membership.update({ where: { id: member.id }, data: { role }, select: { id: true, role: true } });
    await recordAuditEntry({ workspaceId, actor, action: "member.role", targetType: "member", targetId: member.id, targetName: member.user.email, details: { from: member.role, to: role }, tx });
    return updated;
  });
}

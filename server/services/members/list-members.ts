import { getDb } from "~/server/db/client";

export async function listMembers({ workspaceId }: { workspaceId: string }) {
  const db = await getDb();
  const memberships = await db.membership.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "asc" },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  return memberships.map((m) => ({ id: m.id, role: m.role, joinedAt: m.createdAt, userId: m.user.id, email: m.user.email, name: m.user.name }));
}

import { getDb } from "~/server/db/client";

export async function listUserWorkspaces({ userId }: { userId: string }) {
  const db = await getDb();
  const memberships = await db.membership.findMany({
    where: { userId },
    orderBy: { workspace: { name: "asc" } },
    select: { role: true, workspace: { select: { id: true, name: true, slug: true } } },
  });
  return memberships.map((m) => ({ ...m.workspace, role: m.role }));
}

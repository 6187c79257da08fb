import { getDb } from "~/server/db/client";

/** The workspace and the user's role in it, in one query; null when the user is not a member. */
export async function getWorkspaceMembership({ workspaceId, userId }: { workspaceId: string; userId: string }) {
  const db = await getDb();
  const membership = await db.membership.findUnique({
    where: { workspaceId_userId: { workspaceId, userId } },
    select: { role: true, workspace: { select: { id: true, name: true, slug: true } } },
  });
  return membership ? { workspace: membership.workspace, role: membership.role } : null;
}

import { getDb } from "~/server/db/client";

/** The workspace with this slug if the user is a member of it, with the user's role; else null. */
export async function getWorkspaceBySlug({ slug, userId }: { slug: string; userId: string }) {
  const db = await getDb();
  const workspace = await db.workspace.findFirst({
    where: { slug, memberships: { some: { userId } } },
    select: { id: true, name: true, slug: true, memberships: { where: { userId }, select: { role: true } } },
  });
  if (!workspace) return null;
  return { id: workspace.id, name: workspace.name, slug: workspace.slug, role: workspace.memberships[0]!.role };
}

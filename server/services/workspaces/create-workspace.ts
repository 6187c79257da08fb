import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export function slugify(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "workspace"
  );
}

export type CreateWorkspaceOptions = { userId: string; name: string; actor: Actor };

/** Creates a workspace with the creator as its ADMIN; the slug is made unique with a suffix. */
export async function createWorkspace({ userId, name, actor }: CreateWorkspaceOptions) {
  const trimmed = name.trim();
  if (trimmed.length < 2 || trimmed.length > 60) {
    throw new AppError("BAD_REQUEST", "Workspace name must be 2 to 60 characters.", { fieldErrors: { name: "Use 2 to 60 characters." } });
  }
  const db = await getDb();
  const base = slugify(trimmed);
  const taken = new Set(
    (await db.workspace.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((w) => w.slug),
  );
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  return db.$transaction(async (tx) => {
    const workspace = await tx.workspace.create({ data: { id: createId("ws"), name: trimmed, slug }, select: { id: true, name: true, slug: true } });
    await tx.membership.create({ data: { id: createId("mem"), workspaceId: workspace.id, userId, role: "ADMIN" } });
    await recordAuditEntry({ workspaceId: workspace.id, actor, action: "workspace.create", targetType: "workspace", targetId: workspace.id, targetName: trimmed, tx });
    return workspace;
  });
}

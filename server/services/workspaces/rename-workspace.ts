import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export async function renameWorkspace({ workspaceId, name, actor }: { workspaceId: string; name: string; actor: Actor }) {
  const trimmed = name.trim();
  if (trimmed.length < 2 || trimmed.length > 60) {
    throw new AppError("BAD_REQUEST", "Workspace name must be 2 to 60 characters.", { fieldErrors: { name: "Use 2 to 60 characters." } });
  }
  const db = await getDb();
  const workspace = await db.workspace.update({ where: { id: workspaceId }, data: { name: trimmed }, select: { id: true, name: true, slug: true } });
  await recordAuditEntry({ workspaceId, actor, action: "workspace.rename", targetType: "workspace", targetId: workspaceId, targetName: trimmed });
  return workspace;
}

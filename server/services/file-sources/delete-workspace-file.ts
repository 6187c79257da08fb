import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { notFound } from "~/server/lib/errors";
import { type Actor, recordAuditEntry } from "~/server/services/audit/record-audit-entry";
import { parseFileSourceName } from "./file-source-name";
import { getWorkspaceFileFolder } from "./workspace-file-folder";

/** Deletes an uploaded file from the workspace's folder (top level only, as uploads are). */
export async function deleteWorkspaceFile({ workspaceId, name, actor }: { workspaceId: string; name: string; actor: Actor }): Promise<void> {
  const fileName = parseFileSourceName(name);
  const folder = await getWorkspaceFileFolder({ workspaceId });
  await unlink(join(folder, fileName)).catch((error: NodeJS.ErrnoException) => {
    throw error.code === "ENOENT" ? notFound("File") : error;
  });
  await recordAuditEntry({ workspaceId, actor, action: "file.delete", targetType: "file", targetId: fileName, targetName: fileName });
}

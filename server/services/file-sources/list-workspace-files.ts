import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { getWorkspaceFileFolder } from "./workspace-file-folder";

export type WorkspaceFile = { name: string; path: string; size: number; modifiedAt: Date };

/**
 * The files in the workspace's folder and its subfolders, newest first, as paths relative to it (what
 * a DuckDB connection's path or glob names). Hidden files (in-progress uploads) and symbolic links
 * are left out: sources do not read them either.
 */
export async function listWorkspaceFiles({ workspaceId }: { workspaceId: string }): Promise<WorkspaceFile[]> {
  const folder = await getWorkspaceFileFolder({ workspaceId });
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: WorkspaceFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    const path = absolute.slice(folder.length + 1);
    if (path.split("/").some((part) => part.startsWith("."))) continue;
    const info = await stat(absolute).catch(() => undefined);
    if (info) files.push({ name: entry.name, path, size: info.size, modifiedAt: info.mtime });
  }
  return files.sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || a.path.localeCompare(b.path));
}

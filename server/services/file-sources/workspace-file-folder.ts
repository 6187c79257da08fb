import { mkdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import { env } from "~/env.js";

/** Workspace ids are generated (ws_…); anything else never becomes a folder name. */
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The workspace's own folder under FILE_SOURCES_DIR, created on first use: the only place its file
 * sources read from and its uploads go to. Another workspace's folder is a sibling it cannot name.
 */
export async function getWorkspaceFileFolder({ workspaceId }: { workspaceId: string }): Promise<string> {
  if (!WORKSPACE_ID.test(workspaceId)) throw new Error(`Not a workspace id: ${JSON.stringify(workspaceId)}`);
  const folder = join(env.FILE_SOURCES_DIR, workspaceId);
  await mkdir(folder, { recursive: true, mode: 0o750 });
  return realpath(folder);
}

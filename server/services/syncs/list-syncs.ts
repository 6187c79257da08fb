import { getDb } from "~/server/db/client";
import { SYNC_VIEW_INCLUDE, toSyncView } from "./sync-view";

export async function listSyncs({ workspaceId }: { workspaceId: string }) {
  const db = await getDb();
  const rows = await db.sync.findMany({ where: { workspaceId }, orderBy: { name: "asc" }, include: SYNC_VIEW_INCLUDE });
  return rows.map(toSyncView);
}

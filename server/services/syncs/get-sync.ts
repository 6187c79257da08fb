import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { SYNC_VIEW_INCLUDE, toSyncView } from "./sync-view";

export async function getSync({ workspaceId, syncId }: { workspaceId: string; syncId: string }) {
  const db = await getDb();
  const row = await db.sync.findFirst({ where: { id: syncId, workspaceId }, include: SYNC_VIEW_INCLUDE });
  if (!row) throw notFound("Sync");
  return toSyncView(row);
}

import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { toConnectionView } from "./connection-view";

/** A connection of this workspace, with the syncs that use it. Configuration only when the caller may see it (admins). */
export async function getConnection({ workspaceId, connectionId, includeConfig }: { workspaceId: string; connectionId: string; includeConfig: boolean }) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId } });
  if (!row) throw notFound("Connection");
  const usedBy = await db.sync.findMany({
    where: { workspaceId, OR: [{ sourceId: row.id }, { destinationId: row.id }] },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return { ...toConnectionView(row, { includeConfig }), usedBy };
}

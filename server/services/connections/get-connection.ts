import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { toConnectionView } from "./connection-view";

/** A connection of this workspace. Configuration only when the caller may see it (admins). */
export async function getConnection({ workspaceId, connectionId, includeConfig }: { workspaceId: string; connectionId: string; includeConfig: boolean }) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId } });
  if (!row) throw notFound("Connection");
  return toConnectionView(row, { includeConfig });
}

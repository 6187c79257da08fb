import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

/** Deletes a connection no sync uses; otherwise names the syncs that do. */
export async function deleteConnection({ workspaceId, connectionId, actor }: { workspaceId: string; connectionId: string; actor: Actor }) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId }, select: { id: true, name: true } });
  if (!row) throw notFound("Connection");
  const users = await db.sync.findMany({ where: { workspaceId, OR: [{ sourceId: row.id }, { destinationId: row.id }] }, select: { name: true }, orderBy: { name: "asc" } });
  if (users.length) {
    throw new AppError("CONFLICT", `"${row.name}" is used by ${users.length === 1 ? "the sync" : "these syncs"}: ${users.map((s) => `"${s.name}"`).join(", ")}. Delete or change ${users.length === 1 ? "it" : "them"} first.`, {
      syncs: users.map((s) => s.name),
    });
  }
  await db.$transaction(async (tx) => {
    await tx.connection.delete({ where: { id: row.id } });
    await recordAuditEntry({ workspaceId, actor, action: "connection.delete", targetType: "connection", targetId: row.id, targetName: row.name, tx });
  });
  return { ok: true as const };
}

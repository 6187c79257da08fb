import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

/** Deletes a sync with its runs and state; refused while a run is in progress. */
export async function deleteSync({ workspaceId, syncId, actor }: { workspaceId: string; syncId: string; actor: Actor }) {
  const db = await getDb();
  const row = await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { id: true, name: true } });
  if (!row) throw notFound("Sync");
  const active = await db.syncRun.findFirst({ where: { workspaceId, syncId, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
  if (active) throw new AppError("CONFLICT", `"${row.name}" has a run in progress (${active.id}). Cancel it, then delete the sync.`);
  await db.sync.delete({ where: { id: row.id } });
  await recordAuditEntry({ workspaceId, actor, action: "sync.delete", targetType: "sync", targetId: row.id, targetName: row.name });
  return { ok: true as const };
}

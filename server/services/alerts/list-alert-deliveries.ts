import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";

/** The latest alert deliveries of a sync, newest first. */
export async function listAlertDeliveries({ workspaceId, syncId, limit = 20 }: { workspaceId: string; syncId: string; limit?: number }) {
  const db = await getDb();
  if (!(await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { id: true } }))) throw notFound("Sync");
  return db.alertDelivery.findMany({
    where: { workspaceId, syncId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(limit, 1), 100),
    select: { id: true, runId: true, event: true, channelKind: true, target: true, outcome: true, error: true, createdAt: true },
  });
}

import { getDb } from "~/server/db/client";

export async function listAuditEntries({ workspaceId, limit = 100 }: { workspaceId: string; limit?: number }) {
  const db = await getDb();
  return db.auditEntry.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, actorLabel: true, action: true, targetType: true, targetName: true, details: true, createdAt: true },
  });
}

import { getDb } from "~/server/db/client";
import { toConnectionView } from "./connection-view";

export async function listConnections({ workspaceId, kind, includeConfig }: { workspaceId: string; kind?: "source" | "destination"; includeConfig: boolean }) {
  const db = await getDb();
  const rows = await db.connection.findMany({
    where: { workspaceId, ...(kind ? { kind: kind === "source" ? "SOURCE" : "DESTINATION" } : {}) },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
  const usage = await db.sync.groupBy({ by: ["sourceId"], where: { workspaceId }, _count: { _all: true } });
  const destUsage = await db.sync.groupBy({ by: ["destinationId"], where: { workspaceId }, _count: { _all: true } });
  const counts = new Map<string, number>();
  for (const u of usage) counts.set(u.sourceId, (counts.get(u.sourceId) ?? 0) + u._count._all);
  for (const u of destUsage) counts.set(u.destinationId, (counts.get(u.destinationId) ?? 0) + u._count._all);
  return rows.map((r) => ({ ...toConnectionView(r, { includeConfig }), syncCount: counts.get(r.id) ?? 0 }));
}

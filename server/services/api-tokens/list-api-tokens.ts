import { getDb } from "~/server/db/client";

export async function listApiTokens({ workspaceId }: { workspaceId: string }) {
  const db = await getDb();
  return db.apiToken.findMany({
    where: { workspaceId, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true },
  });
}

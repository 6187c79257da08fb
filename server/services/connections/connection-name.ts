import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";

export function normalizeConnectionName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 80) throw new AppError("BAD_REQUEST", "Connection name must be 1 to 80 characters.", { fieldErrors: { name: "Use 1 to 80 characters." } });
  return trimmed;
}

export async function assertConnectionNameFree({ workspaceId, name, exceptId }: { workspaceId: string; name: string; exceptId?: string }) {
  const db = await getDb();
  const clash = await db.connection.findFirst({ where: { workspaceId, name, ...(exceptId ? { NOT: { id: exceptId } } : {}) }, select: { id: true } });
  if (clash) throw new AppError("CONFLICT", `A connection named "${name}" already exists in this workspace.`, { fieldErrors: { name: "Name already in use." } });
}

import "server-only";
import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { openConfig } from "./connection-secrets";

/** The decrypted config of a connection, for handing to its connector on the server (sync engine, tests). */
export async function loadConnectionConfig({ workspaceId, connectionId }: { workspaceId: string; connectionId: string }) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId }, select: { type: true, config: true, secrets: true } });
  if (!row) throw notFound("Connection");
  return { type: row.type, config: openConfig(row) };
}

import "server-only";
import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { findConnector } from "~/server/connectors/registry";
import { openConfig } from "./connection-secrets";
import { prepareConnectorConfig } from "./connector-config";

/** The decrypted config of a connection, for handing to its connector on the server (sync engine, tests). */
export async function loadConnectionConfig({ workspaceId, connectionId }: { workspaceId: string; connectionId: string }) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId }, select: { type: true, config: true, secrets: true } });
  if (!row) throw notFound("Connection");
  const connector = findConnector(row.type);
  const config = openConfig(row);
  return { type: row.type, config: connector ? await prepareConnectorConfig({ connector, workspaceId, config }) : config };
}

import { findConnector } from "~/server/connectors/registry";
import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { sealConfig } from "./connection-secrets";
import { toConnectionView } from "./connection-view";
import { parseConnectionConfig } from "./parse-connection-config";
import { assertConnectionNameFree, normalizeConnectionName } from "./connection-name";

export type CreateConnectionOptions = { workspaceId: string; name: string; type: string; config: unknown; actor: Actor };

export async function createConnection({ workspaceId, name, type, config, actor }: CreateConnectionOptions) {
  const connector = findConnector(type);
  if (!connector) throw new AppError("BAD_REQUEST", `Unknown connection type "${type}".`, { fieldErrors: { type: "Unknown connection type." } });
  const cleanName = normalizeConnectionName(name);
  const parsed = parseConnectionConfig(connector, config);
  const { plain, sealed } = sealConfig(connector, parsed);
  const db = await getDb();
  await assertConnectionNameFree({ workspaceId, name: cleanName });
  const row = await db.$transaction(async (tx) => {
    const created = await tx.connection.create({
      data: { id: createId("conn"), workspaceId, name: cleanName, type, kind: connector.kind === "source" ? "SOURCE" : "DESTINATION", config: plain as object, secrets: sealed },
    });
    await recordAuditEntry({ workspaceId, actor, action: "connection.create", targetType: "connection", targetId: created.id, targetName: cleanName, details: { type, fields: Object.keys(parsed) }, tx });
    return created;
  });
  return toConnectionView(row, { includeConfig: true });
}

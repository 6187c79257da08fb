import { findConnector } from "~/server/connectors/registry";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { openConfig, sealConfig } from "./connection-secrets";
import { toConnectionView } from "./connection-view";
import { assertConnectionNameFree, normalizeConnectionName } from "./connection-name";
import { parseConnectionConfig } from "./parse-connection-config";
import { mergeConfigChanges } from "./merge-config-changes";

export type UpdateConnectionOptions = {
  workspaceId: string;
  connectionId: string;
  name?: string;
  /** Changed fields only. A secret field left out keeps its stored value; a string replaces it. */
  config?: Record<string, unknown>;
  actor: Actor;
};

export async function updateConnection({ workspaceId, connectionId, name, config, actor }: UpdateConnectionOptions) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId } });
  if (!row) throw notFound("Connection");
  const connector = findConnector(row.type);
  if (!connector) throw new AppError("BAD_REQUEST", `Connection type "${row.type}" is no longer available.`);
  const data: { name?: string; config?: object; secrets?: string | null; lastTestOk?: null; lastTestMessage?: null; lastTestedAt?: null } = {};
  const changed: string[] = [];
  if (name !== undefined) {
    data.name = normalizeConnectionName(name);
    await assertConnectionNameFree({ workspaceId, name: data.name, exceptId: row.id });
    if (data.name !== row.name) changed.push("name");
  }
  if (config) {
    const merged = mergeConfigChanges(connector, openConfig(row), config);
    const parsed = parseConnectionConfig(connector, merged);
    const { plain, sealed } = sealConfig(connector, parsed);
    data.config = plain;
    data.secrets = sealed;
    // A changed configuration has not been tested yet.
    data.lastTestOk = null;
    data.lastTestMessage = null;
    data.lastTestedAt = null;
    changed.push(...Object.keys(config).filter((k) => config[k] !== undefined));
  }
  const updated = await db.$transaction(async (tx) => {
    const u = await tx.connection.update({ where: { id: row.id }, data });
    await recordAuditEntry({ workspaceId, actor, action: "connection.update", targetType: "connection", targetId: row.id, targetName: u.name, details: { fields: changed }, tx });
    return u;
  });
  return toConnectionView(updated, { includeConfig: true });
}

import { findConnector } from "~/server/connectors/registry";
import type { AnyConnector } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { logger } from "~/server/lib/logger";
import { openConfig } from "./connection-secrets";
import { prepareConnectorConfig } from "./connector-config";
import { mergeConfigChanges } from "./merge-config-changes";
import { parseConnectionConfig } from "./parse-connection-config";

const CHECK_TIMEOUT_MS = 20_000;

/** The registry's connectors scrub secrets from what leaves them, so messages here are safe to show and log. */
async function runCheck(connector: AnyConnector, config: Record<string, unknown>) {
  try {
    const result = await connector.check({ config, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    return { ok: result.ok, message: result.message, ...(result.warning ? { warning: result.warning } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn("Connection check threw", { type: connector.id, message });
    return { ok: false, message };
  }
}

/**
 * Tests a connection. With `config`, tests those (possibly unsaved) settings merged over the stored
 * ones, without saving; without it, tests the stored settings and records the result as the status.
 * Unsaved changes to an endpoint field never take the stored secrets along (see mergeConfigChanges).
 */
export async function testConnection({ workspaceId, connectionId, type, config }: { workspaceId: string; connectionId?: string; type?: string; config?: Record<string, unknown> }) {
  const db = await getDb();
  const row = connectionId ? await db.connection.findFirst({ where: { id: connectionId, workspaceId } }) : null;
  if (connectionId && !row) throw notFound("Connection");
  const connector = findConnector(row?.type ?? type ?? "");
  if (!connector) throw new AppError("BAD_REQUEST", `Unknown connection type "${type}".`);
  const stored = row ? openConfig(row) : {};
  const effective = parseConnectionConfig(connector, config ? mergeConfigChanges(connector, stored, config) : stored);
  const result = await runCheck(connector, await prepareConnectorConfig({ connector, workspaceId, config: effective }));
  if (row && !config) {
    await db.connection.update({ where: { id: row.id }, data: { lastTestOk: result.ok, lastTestMessage: result.warning ? `${result.message} Warning: ${result.warning}` : result.message, lastTestedAt: new Date() } });
  }
  return result;
}

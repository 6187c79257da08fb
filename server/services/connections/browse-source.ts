import { getSourceConnector } from "~/server/connectors/registry";
import type { ModelQuery } from "~/server/connectors/types";
import { ReadOnlyViolationError, SourceQueryError } from "~/server/connectors/errors";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { openConfig, scrubSecrets } from "./connection-secrets";
import { prepareConnectorConfig } from "./connector-config";

export const PREVIEW_ROW_LIMIT = 100;

async function loadSource(workspaceId: string, connectionId: string) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId, kind: "SOURCE" } });
  if (!row) throw notFound("Source");
  const connector = getSourceConnector(row.type);
  return { connector, config: await prepareConnectorConfig({ connector, workspaceId, config: openConfig(row) }) };
}

/** Source errors become BAD_REQUEST with the database's own message (secrets removed). */
async function withSourceErrors<T>(config: Record<string, unknown>, connector: ReturnType<typeof getSourceConnector>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ReadOnlyViolationError || error instanceof SourceQueryError) {
      throw new AppError("BAD_REQUEST", scrubSecrets(error.message, config, connector), { fieldErrors: { model: scrubSecrets(error.message, config, connector) } });
    }
    throw new AppError("BAD_REQUEST", scrubSecrets(error instanceof Error ? error.message : String(error), config, connector));
  }
}

export async function discoverSource({ workspaceId, connectionId }: { workspaceId: string; connectionId: string }) {
  const { connector, config } = await loadSource(workspaceId, connectionId);
  return withSourceErrors(config, connector, () => connector.discover({ config, signal: AbortSignal.timeout(30_000) }));
}

export async function previewModel({ workspaceId, connectionId, model }: { workspaceId: string; connectionId: string; model: ModelQuery }) {
  const { connector, config } = await loadSource(workspaceId, connectionId);
  return withSourceErrors(config, connector, () => connector.preview({ config, model, limit: PREVIEW_ROW_LIMIT, signal: AbortSignal.timeout(30_000) }));
}

export async function describeModelColumns({ workspaceId, connectionId, model }: { workspaceId: string; connectionId: string; model: ModelQuery }) {
  const { connector, config } = await loadSource(workspaceId, connectionId);
  return withSourceErrors(config, connector, () => connector.describeModel({ config, model, signal: AbortSignal.timeout(30_000) }));
}

import { getSourceConnector } from "~/server/connectors/registry";
import type { ModelQuery } from "~/server/connectors/types";
import { ReadOnlyViolationError, SourceQueryError } from "~/server/connectors/errors";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { openConfig } from "./connection-secrets";
import { prepareConnectorConfig } from "./connector-config";

export const PREVIEW_ROW_LIMIT = 100;

async function loadSource(workspaceId: string, connectionId: string) {
  const db = await getDb();
  const row = await db.connection.findFirst({ where: { id: connectionId, workspaceId, kind: "SOURCE" } });
  if (!row) throw notFound("Source");
  const connector = getSourceConnector(row.type);
  return { connector, config: await prepareConnectorConfig({ connector, workspaceId, config: openConfig(row) }) };
}

/** Source errors become BAD_REQUEST with the database's own message (the registry's connectors already removed secrets). */
async function withSourceErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ReadOnlyViolationError || error instanceof SourceQueryError) {
      throw new AppError("BAD_REQUEST", error.message, { fieldErrors: { model: error.message } });
    }
    throw new AppError("BAD_REQUEST", error instanceof Error ? error.message : String(error));
  }
}

export async function discoverSource({ workspaceId, connectionId }: { workspaceId: string; connectionId: string }) {
  const { connector, config } = await loadSource(workspaceId, connectionId);
  return withSourceErrors(() => connector.discover({ config, signal: AbortSignal.timeout(30_000) }));
}

export async function previewModel({ workspaceId, connectionId, model }: { workspaceId: string; connectionId: string; model: ModelQuery }) {
  const { connector, config } = await loadSource(workspaceId, connectionId);
  return withSourceErrors(() => connector.preview({ config, model, limit: PREVIEW_ROW_LIMIT, signal: AbortSignal.timeout(30_000) }));
}

export async function describeModelColumns({ workspaceId, connectionId, model }: { workspaceId: string; connectionId: string; model: ModelQuery }) {
  const { connector, config } = await loadSource(workspaceId, connectionId);
  return withSourceErrors(() => connector.describeModel({ config, model, signal: AbortSignal.timeout(30_000) }));
}

import type { EngineDeps } from "~/server/sync/engine";
import { loadConnectionConfig } from "~/server/services/connections/load-connection-config";

/** What the engine needs in production: decrypted connection configs and the connector registry. */
export function createEngineDeps(extra: Partial<EngineDeps> = {}): EngineDeps {
  return {
    resolveConnectionConfig: (connectionId, workspaceId) => loadConnectionConfig({ workspaceId, connectionId }),
    ...extra,
  };
}

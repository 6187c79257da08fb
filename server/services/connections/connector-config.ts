import { type AnyConnector, FILE_ROOT_KEY } from "~/server/connectors/types";
import { getWorkspaceFileFolder } from "~/server/services/file-sources/workspace-file-folder";

/**
 * The config a connector receives: the stored (or tested) settings, plus what only the server knows.
 * A connector that reads server files gets its workspace's folder, set last so no setting can name
 * another; every service that hands a connector its config goes through here.
 */
export async function prepareConnectorConfig({ connector, workspaceId, config }: { connector: Pick<AnyConnector, "readsServerFiles">; workspaceId: string; config: Record<string, unknown> }) {
  if (!connector.readsServerFiles) return config;
  return { ...config, [FILE_ROOT_KEY]: await getWorkspaceFileFolder({ workspaceId }) };
}

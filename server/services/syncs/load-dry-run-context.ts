import { z } from "zod";
import { ReadOnlyViolationError, SourceQueryError } from "~/server/connectors/errors";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { parseStoredSettings, ZSyncSettings } from "~/server/sync/definition";
import { loadSyncContext, SyncDefinitionError, type SyncContext } from "~/server/sync/engine";
import { loadConnectionConfig } from "~/server/services/connections/load-connection-config";
import { checkSyncDefinition } from "./check-sync-definition";
import { parseDefinitionInput } from "./parse-definition-input";

/** The sync form's definition before Create Sync: the settings and the two connections (a name is not needed yet). */
export const ZDryRunDefinition = ZSyncSettings.extend({ sourceId: z.string().trim().min(1), destinationId: z.string().trim().min(1) });

/**
 * A saved sync; the definition the create form holds; or the edit form's definition, compared with the
 * saved sync's states (`syncId` and `definition`).
 */
export type DryRunTarget = { syncId: string; definition?: unknown } | { definition: unknown };

/**
 * The engine's context for a dry run, checked as a run's prepare step checks it (connections in the
 * workspace, the definition against the model's current columns). A saved sync answers its id, whose
 * saved states decide create, update and unchanged; an unsaved definition has none.
 */
export async function loadDryRunContext({ workspaceId, target }: { workspaceId: string; target: DryRunTarget }): Promise<{ syncId: string | null; context: SyncContext }> {
  let syncId: string | null = null;
  let definition: z.infer<typeof ZDryRunDefinition>;
  if ("syncId" in target) {
    const db = await getDb();
    const row = await db.sync.findFirst({ where: { id: target.syncId, workspaceId } });
    if (!row) throw notFound("Sync");
    syncId = row.id;
    definition =
      target.definition === undefined
        ? { ...parseStoredSettings(row), sourceId: row.sourceId, destinationId: row.destinationId }
        : parseDefinitionInput(ZDryRunDefinition, target.definition);
  } else {
    definition = parseDefinitionInput(ZDryRunDefinition, target.definition);
  }
  const { sourceId, destinationId, ...settings } = definition;
  await checkSyncDefinition({ workspaceId, sourceId, destinationId, settings });
  try {
    const context = await loadSyncContext({
      workspaceId,
      sourceId,
      destinationId,
      settings,
      deps: { resolveConnectionConfig: (connectionId, inWorkspace) => loadConnectionConfig({ workspaceId: inWorkspace, connectionId }) },
    });
    return { syncId, context };
  } catch (error) {
    if (error instanceof SyncDefinitionError) throw new AppError("BAD_REQUEST", error.message);
    throw error;
  }
}

/** A source that fails while the dry run reads it answers BAD_REQUEST with the database's own message (already redacted by the registry). */
export async function withDryRunSourceErrors<T>(sourceLabel: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const fieldErrors = error instanceof ReadOnlyViolationError || error instanceof SourceQueryError ? { model: message } : undefined;
    throw new AppError("BAD_REQUEST", `Reading the model from ${sourceLabel} failed: ${message}`, fieldErrors ? { fieldErrors } : {});
  }
}

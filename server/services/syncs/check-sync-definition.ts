import { getDestinationConnector, getSourceConnector } from "~/server/connectors/registry";
import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { validateSyncDefinition, type SyncSettings } from "~/server/sync/definition";
import { describeModelColumns } from "~/server/services/connections/browse-source";

/**
 * Validates a definition against the workspace's connections, the model's current columns and the
 * destination object's capabilities. Throws BAD_REQUEST with one error per field.
 */
export async function checkSyncDefinition({ workspaceId, sourceId, destinationId, settings }: { workspaceId: string; sourceId: string; destinationId: string; settings: SyncSettings }) {
  const db = await getDb();
  const [source, destination] = await Promise.all([
    db.connection.findFirst({ where: { id: sourceId, workspaceId }, select: { id: true, type: true, kind: true, name: true } }),
    db.connection.findFirst({ where: { id: destinationId, workspaceId }, select: { id: true, type: true, kind: true, name: true } }),
  ]);
  const fieldErrors: Record<string, string> = {};
  if (!source || source.kind !== "SOURCE") fieldErrors.sourceId = "No source with this id in the workspace.";
  if (!destination || destination.kind !== "DESTINATION") fieldErrors.destinationId = "No destination with this id in the workspace.";
  if (Object.keys(fieldErrors).length) throw new AppError("BAD_REQUEST", Object.values(fieldErrors).join(" "), { fieldErrors });
  getSourceConnector(source!.type);
  const destinationConnector = getDestinationConnector(destination!.type);
  let columns;
  try {
    columns = await describeModelColumns({ workspaceId, connectionId: sourceId, model: settings.model });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError("BAD_REQUEST", `The model could not be read from ${source!.name}: ${message}`, { fieldErrors: { model: message } });
  }
  const errors = validateSyncDefinition({ definition: settings, destination: destinationConnector, sourceColumns: columns });
  if (errors.length) {
    for (const e of errors) fieldErrors[e.field] ??= e.message;
    throw new AppError("BAD_REQUEST", `The sync is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, { fieldErrors });
  }
  return { columns, object: destinationConnector.objects.find((o) => o.id === settings.object) };
}

import { getDestinationConnector } from "~/server/connectors/registry";
import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { autoMatchMappings, type ModelQueryInput } from "~/server/sync/definition";
import { describeModelColumns } from "~/server/services/connections/browse-source";

/** Standard destination fields auto-matched to the model's columns by name (username → Name, email → Email …). */
export async function suggestMappings({ workspaceId, sourceId, destinationId, model, object, exclude }: { workspaceId: string; sourceId: string; destinationId: string; model: ModelQueryInput; object: string; exclude?: string[] }) {
  const db = await getDb();
  const destination = await db.connection.findFirst({ where: { id: destinationId, workspaceId, kind: "DESTINATION" }, select: { type: true } });
  if (!destination) throw notFound("Destination");
  const target = getDestinationConnector(destination.type).objects.find((o) => o.id === object);
  if (!target) throw notFound("Destination object");
  const columns = await describeModelColumns({ workspaceId, connectionId: sourceId, model });
  return { columns, mappings: autoMatchMappings({ columns, object: target, exclude }) };
}

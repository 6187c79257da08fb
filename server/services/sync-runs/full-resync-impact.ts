import { findConnector } from "~/server/connectors/registry";
import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";

export type FullResyncImpact = {
  /** True when the destination cannot recognise a resent event, so a full resync duplicates every event already sent. */
  duplicatesEvents: boolean;
  /** Records the sync has delivered so far: what a full resync sends again. */
  sentRecords: number;
  destinationLabel: string;
};

/** What a full resync of this sync would do to its destination, for the confirmation and its check. */
export async function describeFullResyncImpact({ workspaceId, syncId }: { workspaceId: string; syncId: string }): Promise<FullResyncImpact & { syncName: string }> {
  const db = await getDb();
  const sync = await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { name: true, object: true, destination: { select: { type: true } } } });
  if (!sync) throw notFound("Sync");
  const connector = findConnector(sync.destination.type);
  const object = connector?.kind === "destination" ? connector.objects.find((o) => o.id === sync.object) : undefined;
  const duplicatesEvents = object?.type === "event" && !object.supportsEventId;
  const sentRecords = await db.syncRecordState.count({ where: { workspaceId, syncId, payloadHash: { not: null } } });
  return { syncName: sync.name, duplicatesEvents, sentRecords, destinationLabel: connector?.label ?? sync.destination.type };
}

/**
 * A full resync that would send events a destination cannot de-duplicate needs the sync's name typed
 * back, in the browser and over the API alike: the server refuses it otherwise, so no client can skip it.
 */
export async function assertFullResyncConfirmed({ workspaceId, syncId, confirmName }: { workspaceId: string; syncId: string; confirmName?: string }): Promise<void> {
  const impact = await describeFullResyncImpact({ workspaceId, syncId });
  if (!impact.duplicatesEvents || impact.sentRecords === 0) return;
  if (confirmName?.trim() === impact.syncName) return;
  throw new AppError(
    "BAD_REQUEST",
    `A full resync of "${impact.syncName}" sends its ${impact.sentRecords.toLocaleString("en-US")} events to ${impact.destinationLabel} again, and ${impact.destinationLabel} cannot de-duplicate events, so each would appear twice. To go ahead, confirm with the sync's name (confirmName).`,
    { fieldErrors: { confirmName: confirmName ? "This is not the sync's name." : "Type the sync's name to confirm." } },
  );
}

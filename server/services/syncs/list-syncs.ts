import { getDb } from "~/server/db/client";
import type { Prisma, RunStatus } from "~/server/db/generated/client";
import { SYNC_VIEW_INCLUDE, toSyncView } from "./sync-view";

/** What the syncs list can be narrowed to: on/off, or how the last run went. */
export type SyncStatusFilter = "enabled" | "disabled" | "never_run" | RunStatus;

export type ListSyncsOptions = {
  workspaceId: string;
  /** Part of the name, any case. */
  search?: string;
  sourceId?: string;
  destinationId?: string;
  status?: SyncStatusFilter;
};

/** The workspace's syncs by name, narrowed by name, source, destination and status. */
export async function listSyncs({ workspaceId, search, sourceId, destinationId, status }: ListSyncsOptions) {
  const db = await getDb();
  const name = search?.trim();
  const where: Prisma.SyncWhereInput = {
    workspaceId,
    ...(name ? { name: { contains: name, mode: "insensitive" } } : {}),
    ...(sourceId ? { sourceId } : {}),
    ...(destinationId ? { destinationId } : {}),
    ...(status === "enabled" ? { enabled: true } : status === "disabled" ? { enabled: false } : status === "never_run" ? { runs: { none: {} } } : {}),
  };
  const rows = await db.sync.findMany({ where, orderBy: { name: "asc" }, include: SYNC_VIEW_INCLUDE });
  const views = rows.map(toSyncView);
  // A run status means the last run's: the include above already holds it, one per sync.
  if (status && status !== "enabled" && status !== "disabled" && status !== "never_run") return views.filter((s) => s.lastRun?.status === status);
  return views;
}

import { Prisma } from "~/server/db/generated/client";
import type { SyncSettings } from "~/server/sync/definition";

/** How a definition's settings are stored on a Sync row (create and update write the same columns). */
export function toSyncColumns(settings: SyncSettings) {
  return {
    model: settings.model,
    object: settings.object,
    behavior: settings.behavior,
    syncKey: settings.syncKey,
    mappings: settings.mappings,
    syncAllColumns: settings.syncAllColumns,
    // A sync that stops being an event sync must lose its event settings, not keep the old ones.
    event: settings.event ?? Prisma.DbNull,
    initialSync: settings.initialSync,
    schedule: settings.schedule,
    changeTracking: settings.changeTracking ?? Prisma.DbNull,
  };
}

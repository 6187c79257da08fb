import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { computeNextRunAt } from "~/server/sync/schedule";
import { defaultChangeTracking, ZSyncDefinition } from "~/server/sync/definition";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { checkSyncDefinition } from "./check-sync-definition";
import { parseDefinitionInput } from "./parse-definition-input";
import { toSyncColumns } from "./sync-columns";
import { recordSyncRevision } from "./sync-revisions";
import { readSyncView, toSyncView } from "./sync-view";

export async function createSync({ workspaceId, definition, actor }: { workspaceId: string; definition: unknown; actor: Actor }) {
  const parsed = parseDefinitionInput(ZSyncDefinition, definition);
  const { name, sourceId, destinationId, enabled, ...requested } = parsed;
  const db = await getDb();
  if (await db.sync.findFirst({ where: { workspaceId, name }, select: { id: true } })) {
    throw new AppError("CONFLICT", `A sync named "${name}" already exists.`, { fieldErrors: { name: "Name already in use." } });
  }
  const { columns, object } = await checkSyncDefinition({ workspaceId, sourceId, destinationId, settings: requested });
  // Absent (not null): the default for the object, so event syncs on an increasing key read only new rows.
  const settings = { ...requested, changeTracking: requested.changeTracking === undefined ? defaultChangeTracking({ definition: requested, object, sourceColumns: columns }) : requested.changeTracking };
  const row = await db.$transaction(async (tx) => {
    const created = await tx.sync.create({
      data: {
        id: createId("sync"),
        workspaceId,
        name,
        sourceId,
        destinationId,
        enabled,
        ...toSyncColumns(settings),
        nextRunAt: enabled ? computeNextRunAt(settings.schedule, new Date()) : null,
        createdById: actor.userId ?? null,
      },
      select: { id: true },
    });
    await recordSyncRevision({ tx, workspaceId, syncId: created.id, actor, before: null, after: { name, sourceId, destinationId, enabled, ...settings } });
    await recordAuditEntry({ workspaceId, actor, action: "sync.create", targetType: "sync", targetId: created.id, targetName: name, tx });
    return created;
  });
  return toSyncView(await readSyncView(row.id));
}

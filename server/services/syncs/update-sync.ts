import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { computeNextRunAt } from "~/server/sync/schedule";
import { parseStoredSettings, ZSyncDefinition } from "~/server/sync/definition";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { checkSyncDefinition } from "./check-sync-definition";
import { parseDefinitionInput } from "./parse-definition-input";
import { toSyncColumns } from "./sync-columns";
import { recordSyncRevision } from "./sync-revisions";
import { readSyncView, toSyncView } from "./sync-view";

/** Applies a partial definition (PATCH semantics) over the stored one and validates the result as a whole. */
export async function updateSync({ workspaceId, syncId, changes, actor }: { workspaceId: string; syncId: string; changes: Record<string, unknown>; actor: Actor }) {
  const db = await getDb();
  const row = await db.sync.findFirst({ where: { id: syncId, workspaceId } });
  if (!row) throw notFound("Sync");
  const current = { name: row.name, sourceId: row.sourceId, destinationId: row.destinationId, enabled: row.enabled, ...parseStoredSettings(row) };
  const parsed = parseDefinitionInput(ZSyncDefinition, { ...current, ...changes });
  const { name, sourceId, destinationId, enabled, ...settings } = parsed;
  if (name !== row.name && (await db.sync.findFirst({ where: { workspaceId, name, NOT: { id: row.id } }, select: { id: true } }))) {
    throw new AppError("CONFLICT", `A sync named "${name}" already exists.`, { fieldErrors: { name: "Name already in use." } });
  }
  const definitionChanged = Object.keys(changes).some((k) => k !== "name" && k !== "enabled");
  if (definitionChanged) await checkSyncDefinition({ workspaceId, sourceId, destinationId, settings });
  const scheduleChanged = "schedule" in changes || "enabled" in changes;
  // A watermark belongs to one model and column: after either changes, the next run reads everything.
  const watermarkStale =
    sourceId !== row.sourceId || JSON.stringify(settings.model) !== JSON.stringify(current.model) || settings.changeTracking?.column !== current.changeTracking?.column;
  const mappingsChanged = JSON.stringify(settings.mappings) !== JSON.stringify(current.mappings) || settings.syncAllColumns !== current.syncAllColumns;
  const updated = await db.$transaction(async (tx) => {
    const saved = await tx.sync.update({
      where: { id: row.id },
      data: {
        name,
        sourceId,
        destinationId,
        enabled,
        ...toSyncColumns(settings),
        ...(scheduleChanged ? { nextRunAt: enabled ? computeNextRunAt(settings.schedule, new Date()) : null } : {}),
        // New mappings change payloads of rows the watermark would skip: the next run compares every row.
        ...(watermarkStale ? { watermark: null, lastFullCompareAt: null } : mappingsChanged ? { lastFullCompareAt: null } : {}),
      },
      select: { id: true },
    });
    const diffs = await recordSyncRevision({ tx, workspaceId, syncId: row.id, actor, before: current, after: parsed });
    await recordAuditEntry({ workspaceId, actor, action: "sync.update", targetType: "sync", targetId: row.id, targetName: name, details: { fields: diffs.map((c) => c.field) }, tx });
    return saved;
  });
  return toSyncView(await readSyncView(updated.id));
}

import type { Prisma } from "~/server/db/generated/client";
import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { SUCCEEDED_STATUSES } from "~/server/sync/run-status";
import type { Actor } from "~/server/services/audit/record-audit-entry";
import { diffSyncDefinitions, type SyncChange } from "./diff-sync-definitions";

type Tx = Prisma.TransactionClient;
type Definition = Record<string, unknown>;

/** Connection ids become names in the history, since that is what people recognise. */
async function withConnectionNames(tx: Tx, workspaceId: string, changes: SyncChange[]): Promise<SyncChange[]> {
  const ids = changes.filter((c) => c.field === "sourceId" || c.field === "destinationId").flatMap((c) => [c.before, c.after]).filter((v): v is string => typeof v === "string");
  if (ids.length === 0) return changes;
  const rows = await tx.connection.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, name: true } });
  const names = new Map(rows.map((r) => [r.id, r.name]));
  const name = (v: unknown) => (typeof v === "string" ? (names.get(v) ?? "a deleted connection") : v);
  return changes.map((c) => (c.field === "sourceId" || c.field === "destinationId" ? { ...c, before: name(c.before), after: name(c.after) } : c));
}

/**
 * Records a saved definition as the sync's next revision, with what changed since `before` (none for a
 * new sync). A sync saved before history was kept gets its previous definition as revision 1 first, so
 * the first recorded change still shows a diff. Returns the changes, empty when nothing changed.
 */
export async function recordSyncRevision(p: { tx: Tx; workspaceId: string; syncId: string; actor: Actor; before: Definition | null; after: Definition }): Promise<SyncChange[]> {
  const { tx, workspaceId, syncId, actor } = p;
  const changes = p.before ? await withConnectionNames(tx, workspaceId, diffSyncDefinitions(p.before, p.after)) : [];
  if (p.before && changes.length === 0) return changes;
  const latest = await tx.syncRevision.findFirst({ where: { syncId, workspaceId }, orderBy: { number: "desc" }, select: { number: true } });
  let number = latest?.number ?? 0;
  if (!latest && p.before) {
    number += 1;
    await tx.syncRevision.create({ data: { id: createId("rev"), workspaceId, syncId, number, actorId: null, actorLabel: "before history was kept", definition: p.before as object } });
  }
  await tx.syncRevision.create({
    data: { id: createId("rev"), workspaceId, syncId, number: number + 1, actorId: actor.userId ?? null, actorLabel: actor.label, changes: changes as object[], definition: p.after as object },
  });
  return changes;
}

/**
 * A sync's history, newest first, and whether its mappings changed after the last run that succeeded:
 * then the page offers "Resync changed fields".
 */
export async function listSyncHistory({ workspaceId, syncId, limit = 50 }: { workspaceId: string; syncId: string; limit?: number }) {
  const db = await getDb();
  const sync = await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { id: true } });
  if (!sync) throw notFound("Sync");
  const [revisions, lastSuccess] = await Promise.all([
    db.syncRevision.findMany({ where: { workspaceId, syncId }, orderBy: { number: "desc" }, take: limit }),
    db.syncRun.findFirst({ where: { workspaceId, syncId, status: { in: [...SUCCEEDED_STATUSES] } }, orderBy: { queuedAt: "desc" }, select: { queuedAt: true } }),
  ]);
  const views = revisions.map((r) => ({ id: r.id, number: r.number, actor: r.actorLabel, createdAt: r.createdAt, changes: r.changes as SyncChange[] }));
  const since = lastSuccess?.queuedAt;
  const mappingFields = since
    ? [...new Set(views.filter((r) => r.createdAt > since).flatMap((r) => r.changes.filter((c) => c.field.startsWith("mappings.")).map((c) => c.field.slice("mappings.".length))))]
    : [];
  return { revisions: views, mappingsChangedSinceLastRun: mappingFields.length > 0 ? { fields: mappingFields, lastRunAt: since! } : null };
}

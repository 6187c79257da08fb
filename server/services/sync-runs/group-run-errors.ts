import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";

const MAX_GROUPS = 100;

/**
 * A run's record errors grouped by kind, field and reason (without its values), largest first, each
 * with its count, its share of the rows the run read, and one full reason as an example. The grouping
 * reads only the index on (workspaceId, runId, kind, field, reasonGroup, id), so it stays quick at 1M errors.
 */
export async function groupRunErrors(p: { workspaceId: string; runId: string }) {
  const db = await getDb();
  const run = await db.syncRun.findFirst({
    where: { id: p.runId, workspaceId: p.workspaceId },
    select: { id: true, rowsRead: true, rowsInvalid: true, rowsRejected: true },
  });
  if (!run) throw notFound("Run");
  const where = { workspaceId: p.workspaceId, runId: p.runId };
  const all = await db.syncRecordError.groupBy({
    by: ["kind", "field", "reasonGroup"],
    where,
    _count: { _all: true },
    _min: { id: true },
  });
  all.sort((a, b) => b._count._all - a._count._all || Number((a._min.id ?? 0n) - (b._min.id ?? 0n)));
  const shown = all.slice(0, MAX_GROUPS);
  const firstIds = shown.flatMap((g) => (g._min.id === null ? [] : [g._min.id]));
  const examples = await db.syncRecordError.findMany({ where: { ...where, id: { in: firstIds } }, select: { id: true, reason: true } });
  const exampleById = new Map(examples.map((e) => [e.id, e.reason]));
  return {
    rowsRead: run.rowsRead,
    rowsInvalid: run.rowsInvalid,
    rowsRejected: run.rowsRejected,
    groupCount: all.length,
    errorCount: all.reduce((sum, g) => sum + g._count._all, 0),
    groups: shown.map((g) => ({
      kind: g.kind,
      field: g.field,
      reasonGroup: g.reasonGroup,
      count: g._count._all,
      /** Of the rows read; null before the run has read any. */
      share: run.rowsRead > 0 ? g._count._all / run.rowsRead : null,
      example: (g._min.id !== null ? exampleById.get(g._min.id) : undefined) ?? g.reasonGroup,
    })),
  };
}

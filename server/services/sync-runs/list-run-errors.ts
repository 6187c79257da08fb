import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { buildRunErrorWhere, type RunErrorFilter } from "./run-error-filter";

const MAX_LIMIT = 500;

/**
 * Record-level errors of a run (invalid rows, destination rejections and dropped field values), paged by `cursor` (the last
 * id), narrowed by kind, field, group and a key search. The totals per kind are the whole run's.
 */
export async function listRunErrors(p: { workspaceId: string; runId: string; cursor?: string; limit?: number } & RunErrorFilter) {
  const db = await getDb();
  const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { id: true } });
  if (!run) throw notFound("Run");
  const limit = Math.min(Math.max(p.limit ?? 50, 1), MAX_LIMIT);
  const after = p.cursor && /^\d+$/.test(p.cursor) ? BigInt(p.cursor) : undefined;
  const where = buildRunErrorWhere(p);
  const [rows, counts, matching] = await Promise.all([
    db.syncRecordError.findMany({
      where: { ...where, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: limit + 1,
    }),
    db.syncRecordError.groupBy({ by: ["kind"], where: { runId: p.runId, workspaceId: p.workspaceId }, _count: { _all: true } }),
    db.syncRecordError.count({ where }),
  ]);
  const page = rows.slice(0, limit);
  return {
    errors: page.map((r) => ({
      id: r.id.toString(),
      kind: r.kind,
      recordKey: r.recordKey,
      rowNumber: r.rowNumber,
      rowValues: r.rowValues,
      field: r.field,
      reason: r.reason,
      code: r.code,
      createdAt: r.createdAt,
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id.toString() ?? null) : null,
    /** Errors matching the filter, across all pages. */
    matching,
    totals: {
      INVALID: counts.find((c) => c.kind === "INVALID")?._count._all ?? 0,
      REJECTED: counts.find((c) => c.kind === "REJECTED")?._count._all ?? 0,
      DROPPED_FIELD: counts.find((c) => c.kind === "DROPPED_FIELD")?._count._all ?? 0,
    },
  };
}

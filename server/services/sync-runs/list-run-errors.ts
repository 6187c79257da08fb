import { getDb } from "~/server/db/client";
import type { RecordErrorKind } from "~/server/db/generated/client";
import { notFound } from "~/server/lib/errors";

const MAX_LIMIT = 500;

/** Record-level errors of a run (invalid rows, destination rejections and dropped field values), paged by `cursor`, optionally by kind. */
export async function listRunErrors(p: { workspaceId: string; runId: string; kind?: RecordErrorKind; cursor?: string; limit?: number }) {
  const db = await getDb();
  const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { id: true } });
  if (!run) throw notFound("Run");
  const limit = Math.min(Math.max(p.limit ?? 50, 1), MAX_LIMIT);
  const after = p.cursor && /^\d+$/.test(p.cursor) ? BigInt(p.cursor) : undefined;
  const where = { runId: p.runId, workspaceId: p.workspaceId, ...(p.kind ? { kind: p.kind } : {}) };
  const [rows, counts] = await Promise.all([
    db.syncRecordError.findMany({
      where: { ...where, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: limit + 1,
    }),
    db.syncRecordError.groupBy({ by: ["kind"], where: { runId: p.runId, workspaceId: p.workspaceId }, _count: { _all: true } }),
  ]);
  const page = rows.slice(0, limit);
  return {
    errors: page.map((r) => ({
      id: r.id.toString(),
      kind: r.kind,
      recordKey: r.recordKey,
      field: r.field,
      reason: r.reason,
      code: r.code,
      createdAt: r.createdAt,
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id.toString() ?? null) : null,
    totals: {
      INVALID: counts.find((c) => c.kind === "INVALID")?._count._all ?? 0,
      REJECTED: counts.find((c) => c.kind === "REJECTED")?._count._all ?? 0,
      DROPPED_FIELD: counts.find((c) => c.kind === "DROPPED_FIELD")?._count._all ?? 0,
    },
  };
}

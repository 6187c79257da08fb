import type { Prisma, RecordErrorKind } from "~/server/db/generated/client";

/** How a run's record errors are narrowed, the same for the table, its pages and the CSV download. */
export type RunErrorFilter = {
  kind?: RecordErrorKind;
  /** A field name; null picks the errors that name no field (e.g. a record over the size limit). */
  field?: string | null;
  /** One group: the reason with its values taken out (see server/sync/record-error-identity.ts). */
  reasonGroup?: string;
  /** Part of the record key, any case. */
  search?: string;
};

export function buildRunErrorWhere(p: { workspaceId: string; runId: string } & RunErrorFilter): Prisma.SyncRecordErrorWhereInput {
  const search = p.search?.trim();
  return {
    workspaceId: p.workspaceId,
    runId: p.runId,
    ...(p.kind ? { kind: p.kind } : {}),
    ...(p.field !== undefined ? { field: p.field } : {}),
    ...(p.reasonGroup !== undefined ? { reasonGroup: p.reasonGroup } : {}),
    ...(search ? { recordKey: { contains: search, mode: "insensitive" as const } } : {}),
  };
}

/**
 * The per-(sync, key) state the diff compares against: one statement per page to look a page's keys up,
 * one set-based statement to save what the destination settled.
 */
import { Prisma } from "~/server/db/generated/client";
import type { DbClient } from "./run-status";

export type StoredState = { recordKey: string; payloadHash: string | null; rejected: boolean };
export type StateWrite = { key: string; hash: string | null; externalId?: string | null; rejected: boolean };

/**
 * Driven by the page's keys, so PostgreSQL probes the primary key once per key whatever it knows about
 * the table (without statistics it hashed a plain join over a bitmap scan of the whole sync) (Prisma's `IN (…1,000 binds…)` scanned every state row of the sync when statistics were
 * missing, e.g. right after a large first run). state-lookup.int.test.ts checks the plan.
 */
export function stateLookupQuery(syncId: string, keys: string[]): Prisma.Sql {
  // LIMIT 1 keeps the lateral subquery from being flattened into a join the planner may hash over a
  // scan of every state row of the sync: each key is one primary-key probe.
  return Prisma.sql`SELECT s."recordKey", s."payloadHash", (s."rejectedAt" IS NOT NULL) AS "rejected"
    FROM unnest(${keys}::text[]) AS k("recordKey")
    CROSS JOIN LATERAL (
      SELECT x."recordKey", x."payloadHash", x."rejectedAt" FROM "SyncRecordState" x
      WHERE x."syncId" = ${syncId} AND x."recordKey" = k."recordKey" LIMIT 1
    ) s`;
}

export async function lookupStates(client: DbClient, syncId: string, keys: string[]): Promise<Map<string, StoredState>> {
  if (keys.length === 0) return new Map();
  const rows = await client.$queryRaw<StoredState[]>(stateLookupQuery(syncId, keys));
  return new Map(rows.map((r) => [r.recordKey, r]));
}

/**
 * Saves accepted and rejected keys in one statement. A rejected key keeps its last accepted hash, so
 * the next run sends it again.
 */
export async function saveStates(client: DbClient, run: { syncId: string; workspaceId: string }, writes: StateWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const keys = writes.map((w) => w.key);
  const hashes = writes.map((w) => (w.rejected ? null : w.hash));
  const externalIds = writes.map((w) => w.externalId ?? null);
  const rejected = writes.map((w) => w.rejected);
  await client.$executeRaw`INSERT INTO "SyncRecordState" ("syncId", "recordKey", "workspaceId", "payloadHash", "rejectedAt", "externalId", "updatedAt")
    SELECT ${run.syncId}, x.k, ${run.workspaceId}, x.h, CASE WHEN x.r THEN now() END, x.e, now()
    FROM unnest(${keys}::text[], ${hashes}::text[], ${externalIds}::text[], ${rejected}::boolean[]) AS x(k, h, e, r)
    ON CONFLICT ("syncId", "recordKey") DO UPDATE SET
      "payloadHash" = CASE WHEN EXCLUDED."rejectedAt" IS NULL THEN EXCLUDED."payloadHash" ELSE "SyncRecordState"."payloadHash" END,
      "rejectedAt" = EXCLUDED."rejectedAt",
      "externalId" = COALESCE(EXCLUDED."externalId", "SyncRecordState"."externalId"),
      "updatedAt" = now()`;
}

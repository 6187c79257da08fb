/**
 * The per-(sync, key) state the diff compares against: one statement per page to look a page's keys up,
 * one set-based statement to save what the destination settled.
 */
import { Prisma } from "~/server/db/generated/client";
import { jsonParameter } from "./json-parameter";
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
    FROM json_array_elements_text(${jsonParameter(keys)}::json) AS k("recordKey")
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
  // One [key, hash, externalId, rejected] tuple per write (see jsonParameter).
  const rows = jsonParameter(writes.map((w) => [w.key, w.rejected ? null : w.hash, w.externalId ?? null, w.rejected]));
  await client.$executeRaw`INSERT INTO "SyncRecordState" ("syncId", "recordKey", "workspaceId", "payloadHash", "rejectedAt", "externalId", "updatedAt")
    SELECT ${run.syncId}, x->>0, ${run.workspaceId}, x->>1, CASE WHEN (x->>3)::boolean THEN now() END, x->>2, now()
    FROM json_array_elements(${rows}::json) AS x
    ON CONFLICT ("syncId", "recordKey") DO UPDATE SET
      "payloadHash" = CASE WHEN EXCLUDED."rejectedAt" IS NULL THEN EXCLUDED."payloadHash" ELSE "SyncRecordState"."payloadHash" END,
      "rejectedAt" = EXCLUDED."rejectedAt",
      "externalId" = COALESCE(EXCLUDED."externalId", "SyncRecordState"."externalId"),
      "updatedAt" = now()`;
}

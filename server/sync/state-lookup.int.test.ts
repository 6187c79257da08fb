/**
 * The diff's state lookup on PostgreSQL with a realistic state table: its plan must probe the primary
 * key (an index scan), never scan the sync's states, even without statistics (autovacuum off, or just
 * after a large first run).
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { provisionPostgresAppDatabase } from "~/server/testing/app-database";
import { lookupStates, saveStates, stateLookupQuery } from "./record-state";
import { createFakeDestination, createFakeSource } from "./testing/fake-connectors";
import { createSyncFixture } from "./testing/sync-fixture";

const STATE_ROWS = 300_000;
const PAGE_KEYS = 1000;

const database = provisionPostgresAppDatabase("state_lookup");

type PlanNode = { "Node Type": string; "Relation Name"?: string; Plans?: PlanNode[] };

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

function key(i: number): string {
  return `u${String(i).padStart(7, "0")}`;
}

async function createSync() {
  const source = createFakeSource({ rows: [], columns: [{ name: "id", type: "string", nativeType: "text" }] });
  return createSyncFixture({ source, destination: createFakeDestination(), settings: { syncKey: { column: "id" }, mappings: [] } });
}

describe("state lookup on PostgreSQL", () => {
  it("probes the primary key for a page of keys among 300,000 state rows, without statistics", async () => {
    const [big, other] = [await createSync(), await createSync()];
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const [fixture, rows] of [[big, STATE_ROWS], [other, 50_000]] as const) {
        await client.query(
          `INSERT INTO "SyncRecordState" ("syncId", "recordKey", "workspaceId", "payloadHash", "updatedAt")
           SELECT $1, 'u' || lpad(g::text, 7, '0'), $2, md5(g::text), now() FROM generate_series(1, $3::int) AS g`,
          [fixture.syncId, fixture.workspaceId, rows],
        );
      }
      const keys = Array.from({ length: PAGE_KEYS }, (_, i) => key(100_000 + i * 7));
      const query = stateLookupQuery(big.syncId, keys);
      const explained = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${query.text}`, query.values);
      const nodes = planNodes(explained.rows[0]!["QUERY PLAN"][0]!.Plan);
      const onState = nodes.filter((n) => n["Relation Name"] === "SyncRecordState");
      expect(onState.map((n) => n["Node Type"])).toEqual([expect.stringMatching(/^Index (Only )?Scan$/)]);
      expect(nodes.some((n) => n["Node Type"] === "Seq Scan" || n["Node Type"] === "Bitmap Heap Scan")).toBe(false);
    } finally {
      await client.end();
    }

    const db = await getDb();
    const found = await lookupStates(db, big.syncId, [key(1), key(STATE_ROWS), key(STATE_ROWS + 1)]);
    expect([...found.keys()].sort()).toEqual([key(1), key(STATE_ROWS)]);
    expect(found.get(key(1))).toMatchObject({ payloadHash: expect.stringMatching(/^[0-9a-f]{32}$/), rejected: false });
  });

  it("saves accepted and rejected keys in one statement, keeping a rejected key's last accepted hash", async () => {
    const fixture = await createSync();
    const db = await getDb();
    const run = { syncId: fixture.syncId, workspaceId: fixture.workspaceId };
    await saveStates(db, run, [
      { key: "a", hash: "h1", externalId: "ext-a", rejected: false },
      { key: "b", hash: "h2", rejected: false },
    ]);
    await saveStates(db, run, [
      { key: "a", hash: null, rejected: true },
      { key: "b", hash: "h3", externalId: null, rejected: false },
      { key: "c", hash: null, rejected: true },
    ]);
    const states = await lookupStates(db, fixture.syncId, ["a", "b", "c"]);
    expect(states.get("a")).toEqual({ recordKey: "a", payloadHash: "h1", rejected: true });
    expect(states.get("b")).toEqual({ recordKey: "b", payloadHash: "h3", rejected: false });
    expect(states.get("c")).toEqual({ recordKey: "c", payloadHash: null, rejected: true });
    const a = await db.syncRecordState.findUniqueOrThrow({ where: { syncId_recordKey: { syncId: fixture.syncId, recordKey: "a" } } });
    expect(a.externalId).toBe("ext-a");
  });
});

/**
 * The race-safety claims on a real PostgreSQL server, where transactions truly run in parallel on
 * separate connections (PGlite runs one statement at a time): one run per sync, one runner per run,
 * one run per schedule occurrence.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { requestSyncRun } from "~/server/services/sync-runs/request-sync-run";
import { provisionPostgresAppDatabase } from "~/server/testing/app-database";
import { createFakeDestination, createFakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture } from "~/server/sync/testing/sync-fixture";
import { enqueueDueSyncs } from "./enqueue-due-syncs";
import { claimRun } from "./local/claim-run";

provisionPostgresAppDatabase("jobs_race");

function createSync(schedule?: { type: "interval"; minutes: number }) {
  return createSyncFixture({
    source: createFakeSource({ rows: [], columns: [{ name: "id", type: "string", nativeType: "text" }] }),
    destination: createFakeDestination(),
    settings: { syncKey: { column: "id" }, mappings: [{ from: { column: "id" }, to: "Name", type: "string" }], schedule },
  });
}

describe("on PostgreSQL", () => {
  it("runs against the PostgreSQL server", async () => {
    const db = await getDb();
    const [row] = await db.$queryRaw<{ version: string }[]>`SELECT version()`;
    expect(row?.version).toMatch(/^PostgreSQL 1\d/);
    expect(row?.version).not.toMatch(/wasm|emscripten/i);
  });

  it("queues one run when many requests for a sync race", async () => {
    const { workspaceId, syncId } = await createSync();
    const answers = await Promise.all(Array.from({ length: 8 }, () => requestSyncRun({ workspaceId, syncId, trigger: "API" })));
    expect(new Set(answers.map((a) => a.runId)).size).toBe(1);
    expect(answers.filter((a) => !a.alreadyRunning)).toHaveLength(1);
    const db = await getDb();
    expect(await db.syncRun.count({ where: { syncId } })).toBe(1);
  });

  it("gives each run to one runner when runners race", async () => {
    const fixtures = await Promise.all(Array.from({ length: 3 }, () => createSync()));
    const runIds = await Promise.all(fixtures.map((f) => f.queueRun()));
    const claims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => claimRun({ runnerId: `runner-${i}`, leaseMs: 60_000 })),
    );
    const claimed = claims.filter((c) => c !== null).map((c) => c.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed).toEqual(expect.arrayContaining(runIds));
  });

  it("queues one run per schedule occurrence when ticks race", async () => {
    const { syncId } = await createSync({ type: "interval", minutes: 30 });
    const db = await getDb();
    await db.sync.update({ where: { id: syncId }, data: { nextRunAt: new Date(Date.now() - 1000) } });
    const ticks = await Promise.all(Array.from({ length: 4 }, () => enqueueDueSyncs()));
    expect(ticks.flat().filter((r) => r.syncId === syncId)).toHaveLength(1);
    expect(await db.syncRun.count({ where: { syncId } })).toBe(1);
  });
});

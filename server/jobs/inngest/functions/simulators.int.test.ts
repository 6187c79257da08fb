/**
 * Both Inngest functions against real components: a PostgreSQL source table and the CleverTap
 * simulator, through the real connectors. The schedule tick's event is handed to execute-sync-run as
 * Inngest would deliver it.
 */
import { InngestTestEngine } from "@inngest/test";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { clevertapConnector } from "~/server/connectors/clevertap";
import { postgresConnector } from "~/server/connectors/postgres";
import type { DestinationConnector, SourceConnector } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createPostgresDatabase } from "~/server/testing/databases";
import type { EngineDeps } from "~/server/sync/engine";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { createExecuteSyncRun } from "./execute-sync-run";
import { scheduleDueSyncs } from "./schedule-due-syncs";

const ROWS = 2_500;

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let sim: ClevertapSimulator;

beforeAll(async () => {
  database = await createPostgresDatabase("jobs_sim");
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`CREATE TABLE users (user_id text PRIMARY KEY, email text NOT NULL, name text NOT NULL)`);
  await client.query(
    `INSERT INTO users SELECT 'u' || lpad(i::text, 5, '0'), 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, ${ROWS}) AS i`,
  );
  await client.end();
  sim = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = sim.url;
});

afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

async function createScheduledSync() {
  const db = await getDb();
  const workspaceId = createId("ws");
  const sourceId = createId("conn");
  const destinationId = createId("conn");
  const syncId = createId("sync");
  await db.workspace.create({ data: { id: workspaceId, name: "Sim", slug: workspaceId } });
  await db.connection.createMany({
    data: [
      { id: sourceId, workspaceId, name: "Warehouse", type: "postgres", kind: "SOURCE", config: {} },
      { id: destinationId, workspaceId, name: "CleverTap", type: "clevertap", kind: "DESTINATION", config: {} },
    ],
  });
  await db.sync.create({
    data: {
      id: syncId,
      workspaceId,
      name: "Users to CleverTap",
      sourceId,
      destinationId,
      model: { type: "table", schema: "public", table: "users" },
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "name" }, to: "Name", type: "string" },
      ],
      schedule: { type: "interval", minutes: 60 },
      nextRunAt: new Date(Date.now() - 5_000),
    },
  });
  // Plain configs stand in for the decrypted ones the services layer would hand over.
  const configs = new Map<string, { type: string; config: unknown }>([
    [sourceId, { type: "postgres", config: { url: database.url } }],
    [destinationId, { type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" } }],
  ]);
  const deps = (): EngineDeps => ({
    // Fixed, so the run is three page steps whatever the adaptive page size would pick for these narrow rows.
    pageSize: 1000,
    async resolveConnectionConfig(connectionId) {
      const found = configs.get(connectionId);
      if (!found) throw new Error(`Unknown connection ${connectionId}`);
      return found;
    },
    connectors: {
      source: () => postgresConnector as unknown as SourceConnector<unknown>,
      destination: () => clevertapConnector as unknown as DestinationConnector<unknown>,
    },
  });
  return { workspaceId, syncId, destinationId, deps };
}

type SentEvent = { name: string; id: string; data: { runId: string; syncId: string; workspaceId: string; destinationId: string } };

describe("Inngest functions against PostgreSQL and the CleverTap simulator", () => {
  it("a schedule tick queues the run and execute-sync-run delivers every row, then nothing on the next run", async () => {
    const sync = await createScheduledSync();
    const execute = createExecuteSyncRun({ deps: sync.deps });

    const tick = await new InngestTestEngine({
      function: scheduleDueSyncs,
      steps: [{ id: "request-runs", handler: () => ({ ids: ["evt-1"] }) }],
    }).execute();
    expect(tick.error).toBeUndefined();
    const sendCalls = (tick.ctx.step.sendEvent as unknown as { mock: { calls: [string, SentEvent[]][] } }).mock.calls;
    const event = sendCalls.flatMap((call) => call[1]).find((e) => e.data.syncId === sync.syncId);
    expect(event).toBeDefined();
    expect(event?.id).toMatch(new RegExp(`^schedule-${sync.syncId}-\\d{4}-\\d{2}-\\d{2}T`));

    const first = await new InngestTestEngine({ function: execute, events: [{ name: event!.name, data: event!.data }] }).execute();
    expect(first.error).toBeUndefined();
    expect(first.result).toMatchObject({ status: "SUCCEEDED", pages: 3, verification: { checked: 20, verified: 20 } });
    const profiles = sim.store.listRecords(SIM_ACCOUNT_ID).profiles;
    expect(profiles).toHaveLength(ROWS);
    expect(profiles.find((p) => p.identity === "u00042")?.profileData).toMatchObject({ Email: "user42@example.com", Name: "User 42" });

    const db = await getDb();
    const firstRun = await db.syncRun.findUniqueOrThrow({ where: { id: event!.data.runId } });
    expect(firstRun).toMatchObject({ trigger: "SCHEDULE", rowsRead: ROWS, rowsCreated: ROWS, rowsUpdated: 0, totalRows: ROWS });

    // A manual run with no source change sends nothing.
    const requestsBefore = structuredClone(sim.store.stats);
    const secondRunId = createId("run");
    await db.syncRun.create({ data: { id: secondRunId, workspaceId: sync.workspaceId, syncId: sync.syncId, trigger: "MANUAL" } });
    const second = await new InngestTestEngine({
      function: execute,
      events: [{ name: "sync/run.requested", data: { runId: secondRunId, syncId: sync.syncId, workspaceId: sync.workspaceId, destinationId: sync.destinationId } }],
    }).execute();
    expect(second.result).toMatchObject({ status: "SUCCEEDED" });
    const secondRun = await db.syncRun.findUniqueOrThrow({ where: { id: secondRunId } });
    expect(secondRun).toMatchObject({ rowsRead: ROWS, rowsUnchanged: ROWS, rowsCreated: 0, rowsUpdated: 0 });
    expect(sim.store.stats).toEqual(requestsBefore);
  });
});

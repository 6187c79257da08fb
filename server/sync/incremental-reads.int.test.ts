/**
 * Incremental reads from a real PostgreSQL source into the CleverTap simulator: the watermark, its
 * look-back, the scheduled full compare, a failed run that must not advance it, and event syncs that
 * read only new rows.
 */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { postgresConnector } from "~/server/connectors/postgres";
import { clevertapConnector } from "~/server/connectors/clevertap";
import { getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createPostgresDatabase } from "~/server/testing/databases";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { defaultChangeTracking, type SyncSettings } from "./definition";
import type { EngineDeps } from "./engine";
import { decodeWatermark } from "./watermark";

const ROWS = 10_000;
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let source: pg.Client;
let clevertap: ClevertapSimulator;

beforeAll(async () => {
  database = await createPostgresDatabase("incremental");
  source = new pg.Client({ connectionString: database.url });
  await source.connect();
  await source.query(`CREATE TABLE users (user_id int PRIMARY KEY, email text NOT NULL, name text NOT NULL, updated_at timestamptz NOT NULL)`);
  await source.query(`CREATE INDEX users_updated_at ON users (updated_at)`);
  // Written days ago, an hour apart: only user 1, the latest, is inside a look-back from the first watermark.
  await source.query(
    `INSERT INTO users SELECT i, 'user' || i || '@example.com', 'User ' || i, now() - interval '2 days' - i * interval '1 hour' FROM generate_series(1, ${ROWS}) AS i`,
  );
  await source.query(`CREATE TABLE events (event_id bigint PRIMARY KEY, user_id int NOT NULL, page text NOT NULL)`);
  await source.query(`INSERT INTO events SELECT i, i % 7, '/page/' || i FROM generate_series(1, 50) AS i`);
  clevertap = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
});

afterAll(async () => {
  await source?.end();
  await clevertap?.close();
  await database?.drop();
});

beforeEach(() => {
  clevertap.store.faults = {};
});

type Settings = Partial<SyncSettings> & Pick<SyncSettings, "syncKey" | "object" | "behavior" | "model">;

async function createSync(settings: Settings) {
  const db = await getDb();
  const workspaceId = createId("ws");
  const sourceId = createId("conn");
  const destinationId = createId("conn");
  const syncId = createId("sync");
  await db.workspace.create({ data: { id: workspaceId, name: "Incremental", slug: workspaceId } });
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
      name: "Incremental sync",
      sourceId,
      destinationId,
      model: settings.model,
      object: settings.object,
      behavior: settings.behavior,
      syncKey: settings.syncKey,
      mappings: settings.mappings ?? [],
      event: settings.event ?? undefined,
      changeTracking: settings.changeTracking ?? undefined,
      schedule: { type: "manual" },
    },
  });
  const configs = new Map<string, { type: string; config: unknown }>([
    [sourceId, { type: "postgres", config: { url: database.url } }],
    [destinationId, { type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" } }],
  ]);
  const run = async (options: { deliveryAttempts?: number } = {}) => {
    // Retries with backoff, as in production, unless a test wants the run to fail at its first refusal.
    const deps: EngineDeps = { resolveConnectionConfig: async (connectionId) => configs.get(connectionId)!, delivery: options.deliveryAttempts ? { maxAttempts: options.deliveryAttempts } : {} };
    const runId = createId("run");
    await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL", fullResync: false } });
    const uploadedBefore = clevertap.store.stats.uploadedRecords;
    const { status } = await runSyncRun({ runId, deps, io: directIo, retry: { maxAttempts: 1 } });
    const stored = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } } } });
    return { status, run: stored, uploaded: clevertap.store.stats.uploadedRecords - uploadedBefore, messages: stored.logs.map((l) => l.message) };
  };
  const readSync = () => db.sync.findUniqueOrThrow({ where: { id: syncId } });
  return { syncId, run, readSync };
}

const counts = (run: { rowsRead: number; rowsCreated: number; rowsUpdated: number; rowsUnchanged: number }) => ({
  read: run.rowsRead,
  created: run.rowsCreated,
  updated: run.rowsUpdated,
  unchanged: run.rowsUnchanged,
});

function profileName(identity: number): unknown {
  const profile = clevertap.store.profiles.find((p) => p.identity === String(identity));
  return profile?.profileData?.Name;
}

describe("incremental reads with a change-tracking column (PostgreSQL source)", () => {
  it("reads and sends only the changed 1%, catches late writes inside the look-back and old changes at the full compare, and keeps the watermark after a failed run", async () => {
    const sync = await createSync({
      model: { type: "table", schema: "public", table: "users" },
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "name" }, to: "Name", type: "string" },
      ],
      changeTracking: { column: "updated_at", lookbackMinutes: 15, fullCompareHours: 24 },
    });

    // No watermark yet: the first run reads every row and commits the highest updated_at.
    const first = await sync.run();
    expect(first.status).toBe("SUCCEEDED");
    expect(first.run.readMode).toBe("full");
    expect(counts(first.run)).toEqual({ read: ROWS, created: ROWS, updated: 0, unchanged: 0 });
    expect(first.messages).toContain("Full compare: no watermark yet: the first run with change tracking reads every row");
    const afterFirst = await sync.readSync();
    const seededMax = (await source.query(`SELECT max(updated_at) AS m FROM users`)).rows[0].m as Date;
    expect((decodeWatermark(afterFirst.watermark)!.value as Date).getTime()).toBe(seededMax.getTime());
    expect(afterFirst.lastFullCompareAt).not.toBeNull();

    // 1% changed: only those rows (and user 1, inside the look-back) are read, and exactly those are sent.
    await source.query(`UPDATE users SET name = name || ' (changed)', updated_at = now() WHERE user_id % 100 = 0`);
    const onePercent = await sync.run();
    expect(onePercent.status).toBe("SUCCEEDED");
    expect(onePercent.run.readMode).toBe("incremental");
    expect(decodeWatermark(onePercent.run.readSince)!.value).toEqual(new Date(seededMax.getTime() - 15 * 60_000));
    expect(counts(onePercent.run)).toEqual({ read: 101, created: 0, updated: 100, unchanged: 1 });
    expect(onePercent.uploaded).toBe(100);
    expect(onePercent.run.totalRows).toBeNull();
    expect(onePercent.messages.some((m) => m.startsWith("Incremental read: rows with updated_at > "))).toBe(true);
    expect(onePercent.messages.some((m) => m.startsWith("Watermark advanced to "))).toBe(true);
    expect(profileName(300)).toBe("User 300 (changed)");
    expect(profileName(301)).toBe("User 301");
    const changedMax = (await source.query(`SELECT max(updated_at) AS m FROM users`)).rows[0].m as Date;
    expect((decodeWatermark((await sync.readSync()).watermark)!.value as Date).getTime()).toBe(changedMax.getTime());

    // A write that committed late, with a timestamp 5 minutes before the watermark: inside the 15-minute look-back.
    await source.query(`UPDATE users SET name = 'Late writer', updated_at = $1::timestamptz - interval '5 minutes' WHERE user_id = 4242`, [changedMax]);
    const late = await sync.run();
    expect(late.run.readMode).toBe("incremental");
    // The 100 rows of the last run are inside the look-back too: read again, unchanged, not sent.
    expect(counts(late.run)).toEqual({ read: 101, created: 0, updated: 1, unchanged: 100 });
    expect(late.uploaded).toBe(1);
    expect(profileName(4242)).toBe("Late writer");
    expect(late.messages.some((m) => m.startsWith("Watermark stays at "))).toBe(true);

    // A change written with an old timestamp: the watermark misses it, the scheduled full compare does not.
    await source.query(`UPDATE users SET name = 'Backdated' WHERE user_id = 7`);
    const missed = await sync.run();
    expect(missed.run.readMode).toBe("incremental");
    expect(counts(missed.run)).toMatchObject({ updated: 0 });
    expect(profileName(7)).toBe("User 7");
    const db = await getDb();
    await db.sync.update({ where: { id: sync.syncId }, data: { lastFullCompareAt: new Date(Date.now() - 25 * 3_600_000) } });
    const full = await sync.run();
    expect(full.run.readMode).toBe("full");
    expect(full.messages.some((m) => m.startsWith("Full compare: full compare due every 24 h"))).toBe(true);
    expect(counts(full.run)).toEqual({ read: ROWS, created: 0, updated: 1, unchanged: ROWS - 1 });
    expect(full.uploaded).toBe(1);
    expect(profileName(7)).toBe("Backdated");
    expect((await sync.readSync()).lastFullCompareAt!.getTime()).toBeGreaterThan(Date.now() - 3_600_000);

    // A failed run commits no watermark: the next run reads the same changes again and sends them.
    const before = await sync.readSync();
    await source.query(`UPDATE users SET name = name || ' again', updated_at = now() + interval '1 minute' WHERE user_id BETWEEN 1 AND 10`);
    clevertap.store.faults = { rate5xx: 1 };
    const failed = await sync.run({ deliveryAttempts: 1 });
    expect(failed.status).toBe("FAILED");
    expect(failed.run.readMode).toBe("incremental");
    expect((await sync.readSync()).watermark).toBe(before.watermark);
    clevertap.store.faults = {};
    const retried = await sync.run();
    expect(retried.status).toBe("SUCCEEDED");
    expect(retried.run.readMode).toBe("incremental");
    expect(retried.run.rowsUpdated).toBe(10);
    expect(retried.uploaded).toBe(10);
    expect(profileName(3)).toBe("User 3 again");
    expect((await sync.readSync()).watermark).not.toBe(before.watermark);
  }, 600_000);

  it("an event sync on an increasing id reads only the new events by default", async () => {
    const model = { type: "table", schema: "public", table: "events" } as const;
    const settings = {
      model,
      object: "event",
      behavior: "append",
      syncKey: { column: "event_id" },
      mappings: [{ from: { column: "page" }, to: "Page", type: "string" }],
      event: { name: { constant: "Page Viewed" }, identityColumn: "user_id", identifier: "identity" },
      syncAllColumns: false,
      initialSync: "all",
      schedule: { type: "manual" },
    } satisfies SyncSettings;
    const columns = await postgresConnector.describeModel({ config: { url: database.url } as never, model });
    const object = clevertapConnector.objects.find((o) => o.id === "event");
    const changeTracking = defaultChangeTracking({ definition: settings, object, sourceColumns: columns });
    expect(changeTracking).toEqual({ column: "event_id", lookbackMinutes: 0, fullCompareHours: 24 });
    const sync = await createSync({ ...settings, changeTracking });

    const first = await sync.run();
    expect(first.status).toBe("SUCCEEDED");
    expect(counts(first.run)).toEqual({ read: 50, created: 50, updated: 0, unchanged: 0 });

    await source.query(`INSERT INTO events SELECT i, i % 7, '/page/' || i FROM generate_series(51, 55) AS i`);
    const next = await sync.run();
    expect(next.run.readMode).toBe("incremental");
    // event_id is int8: PostgreSQL answers it as text, and the watermark keeps it exactly.
    expect(decodeWatermark(next.run.readSince)).toEqual({ column: "event_id", value: "50" });
    expect(counts(next.run)).toEqual({ read: 5, created: 5, updated: 0, unchanged: 0 });
    expect(next.uploaded).toBe(5);
    expect(decodeWatermark((await sync.readSync()).watermark)).toEqual({ column: "event_id", value: "55" });

    const idle = await sync.run();
    expect(counts(idle.run)).toEqual({ read: 0, created: 0, updated: 0, unchanged: 0 });
    expect(idle.uploaded).toBe(0);
  }, 120_000);
});

/**
 * Verification against the CleverTap and Customer.io simulators, after real runs of the engine from a
 * real PostgreSQL source.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import {
  CUSTOMERIO_SIM_API_KEY,
  CUSTOMERIO_SIM_APP_API_KEY,
  CUSTOMERIO_SIM_ENVIRONMENT_ID,
  CUSTOMERIO_SIM_SITE_ID,
  startCustomerioSimulator,
  type CustomerioSimulator,
} from "~/e2e/simulators/customerio/server";
import { getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createPostgresDatabase } from "~/server/testing/databases";
import type { SyncSettings } from "./definition";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { valuesMatch, verifyRun, type VerifyDeps } from "./verify-run";

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let source: pg.Client;
let clevertap: ClevertapSimulator;
let customerio: CustomerioSimulator;

const userId = (i: number) => `u${String(i).padStart(3, "0")}`;

beforeAll(async () => {
  database = await createPostgresDatabase("verify");
  source = new pg.Client({ connectionString: database.url });
  await source.connect();
  await source.query(`CREATE TABLE users (user_id text PRIMARY KEY, email text, name text, score numeric, signed_up_at timestamptz)`);
  await source.query(`CREATE TABLE purchases (purchase_id text PRIMARY KEY, user_id text, amount numeric, purchased_at timestamptz)`);
  for (let i = 1; i <= 25; i += 1) {
    // Milliseconds on purpose: destinations keep seconds, and verification compares dates to the second.
    await source.query(`INSERT INTO users VALUES ($1, $2, $3, $4, $5)`, [userId(i), `user${i}@example.com`, `User ${i}`, i * 10, new Date(Date.UTC(2024, 0, i, 8, 30, 15, 250))]);
    await source.query(`INSERT INTO purchases VALUES ($1, $2, $3, $4)`, [`p${i}`, userId(i), i + 0.5, new Date(Date.UTC(2024, 1, i))]);
  }
  clevertap = await startClevertapSimulator({ port: 0 });
  customerio = await startCustomerioSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
  env.CUSTOMERIO_TRACK_BASE_URL = customerio.url;
  env.CUSTOMERIO_APP_BASE_URL = customerio.url;
});

afterAll(async () => {
  await source?.end();
  await clevertap?.close();
  await customerio?.close();
  await database?.drop();
});

const CLEVERTAP_CONFIG = { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" };

const USER_MAPPINGS: SyncSettings["mappings"] = [
  { from: { column: "email" }, to: "Email", type: "string" },
  { from: { column: "name" }, to: "Name", type: "string" },
  { from: { column: "score" }, to: "Score", type: "number" },
  { from: { column: "signed_up_at" }, to: "Signed Up", type: "date" },
  { from: { constant: "warehouse" }, to: "Source", type: "string" },
];

/** A workspace with a PostgreSQL source, a destination and one sync; connectors come from the registry. */
async function createSync(p: { destinationType: string; destinationConfig: Record<string, unknown>; settings: Partial<SyncSettings> & Pick<SyncSettings, "syncKey" | "object" | "behavior"> }) {
  const db = await getDb();
  const workspaceId = createId("ws");
  const sourceId = createId("conn");
  const destinationId = createId("conn");
  const syncId = createId("sync");
  await db.workspace.create({ data: { id: workspaceId, name: "Verify", slug: workspaceId } });
  await db.connection.createMany({
    data: [
      { id: sourceId, workspaceId, name: "Warehouse", type: "postgres", kind: "SOURCE", config: {} },
      { id: destinationId, workspaceId, name: "Destination", type: p.destinationType, kind: "DESTINATION", config: {} },
    ],
  });
  await db.sync.create({
    data: {
      id: syncId,
      workspaceId,
      name: "Verify sync",
      sourceId,
      destinationId,
      model: p.settings.model ?? { type: "table", schema: "public", table: "users" },
      object: p.settings.object,
      behavior: p.settings.behavior,
      syncKey: p.settings.syncKey,
      mappings: p.settings.mappings ?? [],
      event: p.settings.event ?? undefined,
      schedule: { type: "manual" },
    },
  });
  const configs = new Map<string, { type: string; config: unknown }>([
    [sourceId, { type: "postgres", config: { url: database.url } }],
    [destinationId, { type: p.destinationType, config: p.destinationConfig }],
  ]);
  const deps: VerifyDeps = {
    resolveConnectionConfig: async (connectionId) => configs.get(connectionId)!,
    verify: { recheckDelayMs: 0 },
    // The product's attempts and Retry-After handling, with a shorter backoff so fault tests stay quick.
    delivery: { baseDelayMs: 50, maxDelayMs: 1000 },
  };
  const run = async () => {
    const runId = createId("run");
    await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL" } });
    const { status } = await runSyncRun({ runId, deps, io: directIo });
    return { runId, status };
  };
  return { deps, run };
}

async function readRun(runId: string) {
  const db = await getDb();
  return db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } } } });
}

describe("verifyRun with CleverTap profiles", () => {
  it("verifies 20 of 20 after a clean run, then lists the field changed behind the product's back", async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: CLEVERTAP_CONFIG,
      settings: { object: "profile", behavior: "upsert", syncKey: { column: "user_id", identifier: "identity" }, mappings: USER_MAPPINGS },
    });
    const { runId, status } = await sync.run();
    expect(status).toBe("SUCCEEDED");

    const clean = await verifyRun({ runId, deps: sync.deps });
    expect(clean).toMatchObject({ checked: 20, verified: 20, differences: [], message: "20 of 20 verified" });
    expect(clean!.links[0]).toEqual({ label: "CleverTap dashboard (United States)", url: `https://us1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` });
    // One profile page per sampled record, through the CleverTap ID the read-back returned.
    const profileLinks = clean!.links.filter((l) => l.url.endsWith("/profile-view.html"));
    expect(profileLinks).toHaveLength(20);
    expect(profileLinks[0]!.label).toBe(`Profile ${userId(1)}`);
    const stored = await readRun(runId);
    expect(stored.status).toBe("SUCCEEDED");
    expect(stored.verification).toEqual(JSON.parse(JSON.stringify(clean)));
    expect(stored.logs.at(-1)?.message).toBe("Verification: 20 of 20 verified");

    const altered = await fetch(`${clevertap.url}/__sim/profiles/${userId(3)}`, { method: "POST", body: JSON.stringify({ Score: 999, Email: "someone-else@example.com" }) });
    expect(altered.status).toBe(200);
    const after = await verifyRun({ runId, deps: sync.deps });
    expect(after).toMatchObject({ checked: 20, verified: 19, message: "19 of 20 verified" });
    expect(after!.differences).toEqual([
      { key: userId(3), field: "Email", expected: "user3@example.com", actual: "someone-else@example.com" },
      { key: userId(3), field: "Score", expected: 30, actual: 999 },
    ]);
    expect((await readRun(runId)).status).toBe("SUCCEEDED");
  });

  it("reads back only what the run delivered", async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: CLEVERTAP_CONFIG,
      settings: {
        object: "profile",
        behavior: "upsert",
        syncKey: { column: "user_id", identifier: "identity" },
        model: { type: "sql", sql: "select user_id, email, name from users" },
        mappings: [{ from: { column: "name" }, to: "Name", type: "string" }],
      },
    });
    expect((await sync.run()).status).toBe("SUCCEEDED");

    const unchanged = await sync.run();
    expect(await verifyRun({ runId: unchanged.runId, deps: sync.deps })).toMatchObject({
      checked: 0,
      message: "Nothing was delivered by this run, so there was nothing to read back",
    });

    await source.query(`UPDATE users SET name = name || ' (renamed)' WHERE user_id = ANY($1)`, [[userId(7), userId(21)]]);
    try {
      const changed = await sync.run();
      const result = await verifyRun({ runId: changed.runId, deps: sync.deps });
      expect(result).toMatchObject({ checked: 2, verified: 2, message: "2 of 2 verified" });
      expect(result!.links.filter((l) => l.label.startsWith("Profile ")).map((l) => l.label)).toEqual([`Profile ${userId(7)}`, `Profile ${userId(21)}`]);
    } finally {
      await source.query(`UPDATE users SET name = replace(name, ' (renamed)', '')`);
    }
  });

  it("verifies a sample of CleverTap events through the Get Events API, and links Event Analytics", async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: CLEVERTAP_CONFIG,
      settings: {
        object: "event",
        behavior: "append",
        syncKey: { column: "purchase_id" },
        model: { type: "table", schema: "public", table: "purchases" },
        mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
        event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity", timestampColumn: "purchased_at" },
      },
    });
    const { runId, status } = await sync.run();
    expect(status).toBe("SUCCEEDED");
    const before = clevertap.store.stats.eventReads;
    const result = await verifyRun({ runId, deps: sync.deps });
    expect(result).toMatchObject({ checked: 20, verified: 20, differences: [], message: "20 of 20 verified" });
    // One export per sampled day: a cursor, the "still in progress" answer, then the page.
    expect(clevertap.store.stats.eventReads - before).toBe(20 * 3);
    expect(result!.links).toEqual([
      { label: "CleverTap dashboard (United States)", url: `https://us1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` },
      { label: "Event Analytics: open Analytics > Events and pick the synced event to see its count by day", url: `https://us1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` },
    ]);

    // An event whose amount changed in CleverTap (behind the product's back) is listed as a difference.
    const event = clevertap.store.events.find((e) => e.identity === userId(4) && e.evtName === "Charged")!;
    event.evtData.Amount = 1;
    try {
      const after = await verifyRun({ runId, deps: sync.deps });
      expect(after).toMatchObject({ checked: 20, verified: 19, differences: [{ key: "p4", field: "Amount", expected: 4.5, actual: 1 }] });
    } finally {
      event.evtData.Amount = 4.5;
    }
  });

  it("records a verification that could not finish without failing the run", async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: CLEVERTAP_CONFIG,
      settings: { object: "profile", behavior: "upsert", syncKey: { column: "user_id", identifier: "identity" }, mappings: USER_MAPPINGS.slice(0, 2) },
    });
    const { runId } = await sync.run();
    await fetch(`${clevertap.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ rate5xx: 1 }) });
    try {
      const result = await verifyRun({ runId, deps: sync.deps });
      expect(result?.message).toMatch(/^Verification could not finish: CleverTap refused the request \(HTTP 503\): CleverTap at 127\.0\.0\.1:\d+ answered 503.*\(gave up after 6 attempts\)$/);
      expect(result?.message).not.toContain(SIM_PASSCODE);
    } finally {
      await fetch(`${clevertap.url}/__sim/faults`, { method: "POST", body: "{}" });
    }
    expect((await readRun(runId)).status).toBe("SUCCEEDED");
  });
});

/** 20% of API requests fail: about a third each 429 with Retry-After, 5xx, and a dropped connection. */
const TRANSIENT_FAULTS = { rate429: 0.07, retryAfterSeconds: 1, rate5xx: 0.07, resetRate: 0.07 };

async function withFaults<T>(simulatorUrl: string, work: () => Promise<T>): Promise<T> {
  await fetch(`${simulatorUrl}/__sim/faults`, { method: "POST", body: JSON.stringify(TRANSIENT_FAULTS) });
  try {
    return await work();
  } finally {
    await fetch(`${simulatorUrl}/__sim/faults`, { method: "POST", body: "{}" });
  }
}

describe("verifyRun through transient faults", () => {
  it("ends with 20 of 20 CleverTap profiles verified while 20% of reads fail", async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: CLEVERTAP_CONFIG,
      settings: { object: "profile", behavior: "upsert", syncKey: { column: "user_id", identifier: "identity" }, mappings: USER_MAPPINGS },
    });
    const { runId } = await sync.run();
    const result = await withFaults(clevertap.url, () => verifyRun({ runId, deps: sync.deps }));
    expect(result).toMatchObject({ checked: 20, verified: 20, differences: [], message: "20 of 20 verified" });
    // The account's 3 reads in flight were never exceeded.
    expect(clevertap.store.stats.concurrencyRejections).toBe(0);
  });

  it("ends with 20 of 20 CleverTap events verified while 20% of reads fail", async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: CLEVERTAP_CONFIG,
      settings: {
        object: "event",
        behavior: "append",
        syncKey: { column: "purchase_id" },
        model: { type: "table", schema: "public", table: "purchases" },
        mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
        event: { name: { constant: "Purchase" }, identityColumn: "user_id", identifier: "identity", timestampColumn: "purchased_at" },
      },
    });
    const { runId } = await sync.run();
    const result = await withFaults(clevertap.url, () => verifyRun({ runId, deps: sync.deps }));
    expect(result).toMatchObject({ checked: 20, verified: 20, message: "20 of 20 verified" });
  });

  it("ends with 20 of 20 Customer.io people verified while 20% of App API requests fail", async () => {
    const sync = await createSync({
      destinationType: "customerio",
      destinationConfig: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us", appApiKey: CUSTOMERIO_SIM_APP_API_KEY },
      settings: {
        object: "person",
        behavior: "upsert",
        syncKey: { column: "user_id", identifier: "id" },
        mappings: [
          { from: { column: "email" }, to: "email", type: "string" },
          { from: { column: "name" }, to: "name", type: "string" },
        ],
      },
    });
    const { runId } = await sync.run();
    // The 20 people are one bulk read, so verification runs several times for the faults to hit it.
    const results = await withFaults(customerio.url, async () => {
      const all = [];
      for (let round = 0; round < 8; round += 1) all.push(await verifyRun({ runId, deps: sync.deps }));
      return all;
    });
    for (const result of results) expect(result).toMatchObject({ checked: 20, verified: 20, differences: [], message: "20 of 20 verified" });
  });
});

describe("verifyRun with Customer.io people", () => {
  const settings = {
    object: "person",
    behavior: "upsert",
    syncKey: { column: "user_id", identifier: "id" },
    mappings: [
      { from: { column: "email" }, to: "email", type: "string" },
      { from: { column: "score" }, to: "score", type: "number" },
      { from: { column: "signed_up_at" }, to: "signed_up_at", type: "date" },
    ],
  } satisfies Partial<SyncSettings> & Pick<SyncSettings, "syncKey" | "object" | "behavior">;

  it("asks for an App API key when the connection has none", async () => {
    const sync = await createSync({
      destinationType: "customerio",
      destinationConfig: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us" },
      settings,
    });
    const { runId, status } = await sync.run();
    expect(status).toBe("SUCCEEDED");
    const result = await verifyRun({ runId, deps: sync.deps });
    expect(result).toMatchObject({ checked: 0, verified: 0, message: "Customer.io has no App API Key on this connection: add one to verify delivered data" });
    expect(result!.links).toEqual([{ label: "People in Customer.io", url: `https://us.fly.customer.io/workspaces/${CUSTOMERIO_SIM_ENVIRONMENT_ID}/journeys/people` }]);
  });

  it("reads people back through the App API and links their pages", async () => {
    const sync = await createSync({
      destinationType: "customerio",
      destinationConfig: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us", appApiKey: CUSTOMERIO_SIM_APP_API_KEY },
      settings,
    });
    const { runId } = await sync.run();
    const result = await verifyRun({ runId, deps: sync.deps });
    expect(result).toMatchObject({ checked: 20, verified: 20, differences: [], message: "20 of 20 verified" });
    const people = result!.links.filter((l) => l.label.startsWith("Person "));
    expect(people).toHaveLength(20);
    expect(people[0]!.url).toMatch(new RegExp(`^https://us\\.fly\\.customer\\.io/workspaces/${CUSTOMERIO_SIM_ENVIRONMENT_ID}/journeys/people/[^/]+/activity$`));
  });
});

describe("valuesMatch", () => {
  it("compares dates to the second, numbers numerically and strings exactly", () => {
    const sent = new Date("2024-01-01T08:30:15.250Z");
    expect(valuesMatch(sent, new Date("2024-01-01T08:30:15.000Z"))).toBe(true);
    expect(valuesMatch(sent, 1704097815)).toBe(true);
    expect(valuesMatch(sent, "$D_1704097815")).toBe(true);
    expect(valuesMatch(sent, 1704097816)).toBe(false);
    expect(valuesMatch(30, "30.0")).toBe(true);
    expect(valuesMatch(30, 30.5)).toBe(false);
    expect(valuesMatch("Ada", "ada")).toBe(false);
    expect(valuesMatch("42", 42)).toBe(true);
    expect(valuesMatch(true, "true")).toBe(true);
    expect(valuesMatch(null, undefined)).toBe(true);
    expect(valuesMatch("x", undefined)).toBe(false);
  });
});

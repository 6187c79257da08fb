/**
 * The engine end to end for all four destination objects: a real PostgreSQL source, the product's own
 * services and runner deps, and the CleverTap and Customer.io simulators over HTTP. Counts come from
 * the runs; "what went out" comes from the simulators' own request counters.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { CUSTOMERIO_SIM_API_KEY, CUSTOMERIO_SIM_APP_API_KEY, CUSTOMERIO_SIM_SITE_ID, startCustomerioSimulator } from "~/e2e/simulators/customerio/server";
import { closeDb, getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createPostgresDatabase } from "~/server/testing/databases";
import { createConnection } from "~/server/services/connections/create-connection";
import { createSync } from "~/server/services/syncs/create-sync";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { createEngineDeps } from "./engine-deps";

type Sim = { url: string; close(): Promise<void> };
let clevertap: Sim;
let customerio: Sim;
let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let workspaceId: string;
const ids: Record<string, string> = {};
const actor = { userId: null, label: "test" };

async function sql(text: string) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function count(query: string): Promise<number> {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(query)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function stats(sim: Sim): Promise<Record<string, number>> {
  return (await (await fetch(`${sim.url}/__sim/stats`)).json()) as Record<string, number>;
}

/** Records the destination received: CleverTap counts uploaded records, Customer.io batch items. */
async function received(kind: "clevertap" | "customerio"): Promise<number> {
  const s = await stats(kind === "clevertap" ? clevertap : customerio);
  return kind === "clevertap" ? s.uploadedRecords! : s.batchItems!;
}

async function setFaults(kind: "clevertap" | "customerio", faults: Record<string, number>) {
  await fetch(`${(kind === "clevertap" ? clevertap : customerio).url}/__sim/faults`, { method: "POST", body: JSON.stringify(faults) });
}

async function run(syncId: string) {
  const db = await getDb();
  const runId = createId("run");
  await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL" } });
  await runSyncRun({ runId, deps: createEngineDeps({ delivery: { baseDelayMs: 1, maxDelayMs: 5 } }), io: directIo });
  const r = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { errors: true } });
  return {
    status: r.status,
    counts: { read: r.rowsRead, invalid: r.rowsInvalid, unchanged: r.rowsUnchanged, created: r.rowsCreated, updated: r.rowsUpdated, rejected: r.rowsRejected, retried: r.rowsRetried },
    errors: r.errors,
  };
}

/** Sends what a run sent, measured at the destination. */
async function runAndMeasure(kind: "clevertap" | "customerio", syncId: string) {
  const before = await received(kind);
  const result = await run(syncId);
  return { ...result, sent: (await received(kind)) - before };
}

beforeAll(async () => {
  clevertap = await startClevertapSimulator({ port: 0 });
  customerio = await startCustomerioSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
  env.CUSTOMERIO_TRACK_BASE_URL = customerio.url;
  env.CUSTOMERIO_APP_BASE_URL = customerio.url;
  source = await createPostgresDatabase("destinations");
  await sql(`
    CREATE TABLE people (user_key text UNIQUE, email text, first_name text, plan text);
    INSERT INTO people SELECT 'u-' || lpad(g::text, 3, '0'), 'person' || g || '@example.com', 'Person ' || g, 'free' FROM generate_series(1, 10) g;
    INSERT INTO people VALUES (NULL, 'nokey@example.com', 'No Key', 'free');
    CREATE TABLE purchases (purchase_id text PRIMARY KEY, user_key text, amount numeric, bought_at timestamptz);
    INSERT INTO purchases SELECT 'p-' || lpad(g::text, 3, '0'), 'u-' || lpad((1 + g % 10)::text, 3, '0'), g * 10, now() - (g || ' hours')::interval FROM generate_series(1, 10) g;
  `);
  const user = await signUpUser({ email: "destinations@example.com", password: "Correct-Horse-42" });
  workspaceId = (await createWorkspace({ userId: user.id, name: "Destinations", actor })).id;
  const src = await createConnection({ workspaceId, name: "Warehouse", type: "postgres", config: { url: source.url }, actor });
  const ct = await createConnection({ workspaceId, name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor });
  const cio = await createConnection({
    workspaceId,
    name: "Customer.io",
    type: "customerio",
    config: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us", appApiKey: CUSTOMERIO_SIM_APP_API_KEY },
    actor,
  });
  const people = { type: "table", schema: "public", table: "people" };
  const purchases = { type: "table", schema: "public", table: "purchases" };
  const common = { sourceId: src.id, schedule: { type: "manual" } };
  ids.clevertapProfile = (await createSync({ workspaceId, actor, definition: { ...common, name: "CT profiles", destinationId: ct.id, model: people, object: "profile", behavior: "upsert", syncKey: { column: "user_key", identifier: "identity" }, mappings: [{ from: { column: "email" }, to: "Email", type: "string" }, { from: { column: "first_name" }, to: "Name", type: "string" }] } })).id;
  ids.clevertapEvent = (await createSync({ workspaceId, actor, definition: { ...common, name: "CT events", destinationId: ct.id, model: purchases, object: "event", behavior: "append", syncKey: { column: "purchase_id" }, mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }], event: { name: { constant: "Charged" }, identityColumn: "user_key", identifier: "identity", timestampColumn: "bought_at" } } })).id;
  ids.customerioPerson = (await createSync({ workspaceId, actor, definition: { ...common, name: "CIO people", destinationId: cio.id, model: people, object: "person", behavior: "upsert", syncKey: { column: "user_key", identifier: "id" }, mappings: [{ from: { column: "email" }, to: "email", type: "string" }, { from: { column: "first_name" }, to: "first_name", type: "string" }] } })).id;
  ids.customerioEvent = (await createSync({ workspaceId, actor, definition: { ...common, name: "CIO events", destinationId: cio.id, model: purchases, object: "event", behavior: "append", syncKey: { column: "purchase_id" }, mappings: [{ from: { column: "amount" }, to: "amount", type: "number" }], event: { name: { constant: "purchase" }, identityColumn: "user_key", identifier: "id", idColumn: "purchase_id", timestampColumn: "bought_at" } } })).id;
});

afterAll(async () => {
  await clevertap?.close();
  await customerio?.close();
  await closeDb();
  await source?.drop();
});

describe.each([
  ["CleverTap Profile", "clevertap", "clevertapProfile"],
  ["Customer.io Person", "customerio", "customerioPerson"],
] as const)("%s", (_label, kind, syncKey) => {
  it("sends every row, then nothing, then exactly what changed; null keys are invalid; rejections are retried", async () => {
    // Both destinations' tests share the source table, so the expected numbers are read from it.
    const keyed = await count(`SELECT count(*) AS n FROM people WHERE user_key IS NOT NULL`);
    const first = await runAndMeasure(kind, ids[syncKey]!);
    expect(first.counts).toMatchObject({ read: keyed + 1, created: keyed, invalid: 1, rejected: 0 });
    expect(first.sent).toBe(keyed);
    expect(first.errors).toEqual([expect.objectContaining({ kind: "INVALID", recordKey: null, reason: expect.stringMatching(/user_key/) })]);

    const second = await runAndMeasure(kind, ids[syncKey]!);
    expect(second.counts).toMatchObject({ unchanged: keyed, created: 0, updated: 0 });
    expect(second.sent).toBe(0);

    const suffix = kind === "clevertap" ? "ct" : "cio";
    await sql(`
      UPDATE people SET first_name = first_name || ' (${suffix})' WHERE user_key IN ('u-001', 'u-002', 'u-003');
      UPDATE people SET plan = 'pro' WHERE user_key = 'u-004';
      INSERT INTO people VALUES ('u-9${suffix}1', 'new1-${suffix}@example.com', 'New One', 'free'), ('u-9${suffix}2', 'new2-${suffix}@example.com', 'New Two', 'free');
    `);
    const third = await runAndMeasure(kind, ids[syncKey]!);
    expect(third.counts).toMatchObject({ updated: 3, created: 2, rejected: 0 });
    expect(third.sent).toBe(5);

    await sql(`UPDATE people SET email = 'changed-${suffix}-' || email WHERE user_key IN ('u-005', 'u-006')`);
    await setFaults(kind, { rejectRate: 1 });
    const rejected = await runAndMeasure(kind, ids[syncKey]!);
    await setFaults(kind, {});
    expect(rejected.counts).toMatchObject({ rejected: 2, updated: 0 });
    expect(rejected.errors.filter((e) => e.kind === "REJECTED").map((e) => e.recordKey).sort()).toEqual(["u-005", "u-006"]);
    expect(rejected.status).toBe("SUCCEEDED_WITH_REJECTIONS");

    // Nothing changed in the source, yet the rejected rows go out again.
    const retried = await runAndMeasure(kind, ids[syncKey]!);
    expect(retried.counts).toMatchObject({ retried: 2, updated: 2, rejected: 0 });
    expect(retried.sent).toBe(2);
  });
});

describe.each([
  ["CleverTap Event", "clevertap", "clevertapEvent"],
  ["Customer.io Event", "customerio", "customerioEvent"],
] as const)("%s", (_label, kind, syncKey) => {
  it("sends each purchase once, never again when other columns change, and new purchases once", async () => {
    const total = await count(`SELECT count(*) AS n FROM purchases`);
    const first = await runAndMeasure(kind, ids[syncKey]!);
    expect(first.counts).toMatchObject({ read: total, created: total, rejected: 0, invalid: 0 });
    expect(first.sent).toBe(total);

    const suffix = kind === "clevertap" ? "ct" : "cio";
    await sql(`
      UPDATE purchases SET amount = amount + 1 WHERE purchase_id IN ('p-001', 'p-002', 'p-003');
      INSERT INTO purchases VALUES ('p-9${suffix}1', 'u-001', 5, now()), ('p-9${suffix}2', 'u-002', 6, now());
    `);
    const second = await runAndMeasure(kind, ids[syncKey]!);
    expect(second.counts).toMatchObject({ created: 2, updated: 0 });
    expect(second.sent).toBe(2);

    const third = await runAndMeasure(kind, ids[syncKey]!);
    expect(third.sent).toBe(0);
  });
});

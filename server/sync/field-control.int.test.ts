/**
 * Field-level control through real runs of the engine: a real PostgreSQL source, the connectors from the
 * registry and the CleverTap and Customer.io simulators over HTTP. Phone rows that were invalid are sent
 * once the mapping normalises them to E.164; "drop this field" sends the rest of a row; JSON goes out as
 * objects where the destination accepts them.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { CUSTOMERIO_SIM_API_KEY, CUSTOMERIO_SIM_APP_API_KEY, CUSTOMERIO_SIM_SITE_ID, startCustomerioSimulator, type CustomerioSimulator } from "~/e2e/simulators/customerio/server";
import { getDb } from "~/server/db/client";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { createId } from "~/server/lib/ids";
import { createPostgresDatabase } from "~/server/testing/databases";
import type { SyncSettings } from "./definition";
import { verifyRun, type VerifyDeps } from "./verify-run";

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let source: pg.Client;
let clevertap: ClevertapSimulator;
let customerio: CustomerioSimulator;

const USERS: [string, string, string | null, unknown][] = [
  ["u1", "ada@example.com", "+44 20 7946 0007", { plan: "pro", seats: [1, 2] }],
  ["u2", "bob@example.com", "020 7946 0007", { plan: "free" }],
  ["u3", "cy@example.com", "+14155552671", null],
  ["u4", "dee@example.com", "garbage", { plan: "team", owner: { name: "Dee" } }],
];

beforeAll(async () => {
  database = await createPostgresDatabase("field_control");
  source = new pg.Client({ connectionString: database.url });
  await source.connect();
  await source.query(`CREATE TABLE users (user_id text PRIMARY KEY, email text, phone text, prefs jsonb)`);
  for (const [id, email, phone, prefs] of USERS) await source.query(`INSERT INTO users VALUES ($1, $2, $3, $4)`, [id, email, phone, prefs === null ? null : JSON.stringify(prefs)]);
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

async function createSync(p: { destinationType: string; destinationConfig: Record<string, unknown>; settings: Pick<SyncSettings, "object" | "behavior" | "syncKey" | "mappings"> }) {
  const db = await getDb();
  const workspaceId = createId("ws");
  const sourceId = createId("conn");
  const destinationId = createId("conn");
  const syncId = createId("sync");
  await db.workspace.create({ data: { id: workspaceId, name: "Field control", slug: workspaceId } });
  await db.connection.createMany({
    data: [
      { id: sourceId, workspaceId, name: "Warehouse", type: "postgres", kind: "SOURCE", config: {} },
      { id: destinationId, workspaceId, name: "Destination", type: p.destinationType, kind: "DESTINATION", config: {} },
    ],
  });
  await db.sync.create({
    data: { id: syncId, workspaceId, name: "Users", sourceId, destinationId, model: { type: "table", schema: "public", table: "users" }, ...p.settings, schedule: { type: "manual" } },
  });
  const configs = new Map<string, { type: string; config: unknown }>([
    [sourceId, { type: "postgres", config: { url: database.url } }],
    [destinationId, { type: p.destinationType, config: p.destinationConfig }],
  ]);
  const deps: VerifyDeps = { resolveConnectionConfig: async (id) => configs.get(id)!, verify: { recheckDelayMs: 0 } };
  return {
    deps,
    setMappings: (mappings: SyncSettings["mappings"]) => db.sync.update({ where: { id: syncId }, data: { mappings } }),
    run: async () => {
      const runId = createId("run");
      await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL" } });
      await runSyncRun({ runId, deps, io: directIo });
      return db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { errors: { orderBy: { id: "asc" } } } });
    },
  };
}

const clevertapProfile = (identity: string) => clevertap.store.listRecords(SIM_ACCOUNT_ID).profiles.find((p) => p.identity === identity)?.profileData;

// Three runs and a verification against HTTP simulators: generous, since test machines are shared.
const SLOW_TEST = { timeout: 600_000 };

describe("field-level control with CleverTap profiles", () => {
  it("rescues phone rows with the E.164 transform, then drops only the field that still cannot be sent", SLOW_TEST, async () => {
    const email = { from: { column: "email" }, to: "Email", type: "string" } as const;
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" },
      settings: { object: "profile", behavior: "upsert", syncKey: { column: "user_id", identifier: "identity" }, mappings: [email, { from: { column: "phone" }, to: "Phone", type: "string" }] },
    });

    // As before this change: CleverTap wants +<country><digits>, so spaced and national numbers make the row invalid.
    const before = await sync.run();
    expect(before).toMatchObject({ status: "SUCCEEDED_WITH_INVALID_ROWS", rowsRead: 4, rowsInvalid: 3, rowsCreated: 1, fieldsDropped: 0 });
    expect(before.errors.map((e) => [e.kind, e.recordKey, e.field])).toEqual([
      ["INVALID", "u1", "Phone"],
      ["INVALID", "u2", "Phone"],
      ["INVALID", "u4", "Phone"],
    ]);
    expect(clevertapProfile("u1")).toBeUndefined();

    await sync.setMappings([email, { from: { column: "phone" }, to: "Phone", type: "string", transforms: [{ type: "phone_e164", defaultCountry: "GB" }] }]);
    const rescued = await sync.run();
    expect(rescued).toMatchObject({ status: "SUCCEEDED_WITH_INVALID_ROWS", rowsInvalid: 1, rowsCreated: 2, rowsUnchanged: 1, fieldsDropped: 0 });
    expect(clevertapProfile("u1")).toMatchObject({ Email: "ada@example.com", Phone: "+442079460007" });
    expect(clevertapProfile("u2")).toMatchObject({ Email: "bob@example.com", Phone: "+442079460007" });
    expect(rescued.errors).toEqual([expect.objectContaining({ kind: "INVALID", recordKey: "u4", field: "Phone", reason: "value 'garbage' in column phone is not a phone number" })]);

    await sync.setMappings([email, { from: { column: "phone" }, to: "Phone", type: "string", onInvalid: "drop_field", transforms: [{ type: "phone_e164", defaultCountry: "GB" }] }]);
    const dropped = await sync.run();
    // The row is sent without its phone, is not invalid, and the dropped value is still explained.
    expect(dropped).toMatchObject({ status: "SUCCEEDED", rowsInvalid: 0, rowsCreated: 1, rowsUnchanged: 3, fieldsDropped: 1 });
    expect(dropped.errors).toEqual([
      expect.objectContaining({ kind: "DROPPED_FIELD", recordKey: "u4", field: "Phone", reason: "value 'garbage' in column phone is not a phone number" }),
    ]);
    expect(clevertapProfile("u4")).toEqual({ Email: "dee@example.com" });
    // Verification rebuilds records through the same path, so the row sent without its phone verifies too.
    expect(await verifyRun({ runId: dropped.id, deps: sync.deps })).toMatchObject({ checked: 1, verified: 1, differences: [] });
  });

  it("drops a field the destination's own rules refuse when the mapping says so", SLOW_TEST, async () => {
    const sync = await createSync({
      destinationType: "clevertap",
      destinationConfig: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" },
      settings: {
        object: "profile",
        behavior: "upsert",
        syncKey: { column: "user_id", identifier: "identity" },
        mappings: [
          { from: { column: "email" }, to: "Email", type: "string", transforms: [{ type: "trim" }, { type: "lowercase" }] },
          { from: { column: "phone" }, to: "Phone", type: "string", onInvalid: "drop_field" },
        ],
      },
    });
    const run = await sync.run();
    expect(run).toMatchObject({ status: "SUCCEEDED", rowsInvalid: 0, rowsCreated: 4, fieldsDropped: 3 });
    expect(run.errors.map((e) => [e.kind, e.recordKey, e.field, e.reason])).toEqual([
      ["DROPPED_FIELD", "u1", "Phone", "must start with + and the country code, digits only (e.g. +14155551234)"],
      ["DROPPED_FIELD", "u2", "Phone", "must start with + and the country code, digits only (e.g. +14155551234)"],
      ["DROPPED_FIELD", "u4", "Phone", "must start with + and the country code, digits only (e.g. +14155551234)"],
    ]);
    expect(clevertapProfile("u3")).toMatchObject({ Phone: "+14155552671" });
  });
});

describe("JSON values with Customer.io", () => {
  it("sends jsonb columns as nested attributes and verifies them", SLOW_TEST, async () => {
    const sync = await createSync({
      destinationType: "customerio",
      destinationConfig: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, appApiKey: CUSTOMERIO_SIM_APP_API_KEY, region: "us" },
      settings: {
        object: "person",
        behavior: "upsert",
        syncKey: { column: "user_id", identifier: "id" },
        mappings: [
          { from: { column: "email" }, to: "email", type: "string" },
          { from: { column: "prefs" }, to: "prefs", type: "json" },
        ],
      },
    });
    const run = await sync.run();
    expect(run).toMatchObject({ status: "SUCCEEDED", rowsCreated: 4 });
    const records = (await (await fetch(`${customerio.url}/__sim/records`)).json()) as { people: { id: string | null; attributes: Record<string, unknown> }[] };
    expect(records.people.find((p) => p.id === "u4")?.attributes.prefs).toEqual({ plan: "team", owner: { name: "Dee" } });
    expect(await verifyRun({ runId: run.id, deps: sync.deps })).toMatchObject({ checked: 4, verified: 4, differences: [] });
  });
});

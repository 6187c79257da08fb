/**
 * The REST API as automation uses it: an admin creates an API token on Settings, then a script creates a
 * PostgreSQL source, CleverTap and Customer.io destinations and one sync per destination object, runs
 * them and reads their counts, record-level errors and verification, with nothing but the token. A token
 * of another workspace sees none of it and changes nothing.
 */
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";

test.describe.configure({ mode: "serial" });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

const FINAL_STATUSES = ["succeeded", "succeeded_with_invalid_rows", "succeeded_with_rejections", "failed", "cancelled"];

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let tokenA: string;
const ids = { connections: {} as Record<string, string>, syncs: {} as Record<string, string>, runs: {} as Record<string, string> };

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_api");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE public.users (user_id text PRIMARY KEY, email text NOT NULL, name text, phone text, plan text);
      INSERT INTO public.users VALUES
        ('u1', 'ada@example.com', 'Ada Lovelace', '+14155550101', 'pro'),
        ('u2', 'grace@example.com', 'Grace Hopper', '4155550102', 'free'),
        ('u3', 'linus@example.com', 'Linus Torvalds', NULL, 'free'),
        ('u4', 'margaret@example.com', 'Margaret Hamilton', '+442071838750', 'team');
      CREATE TABLE public.purchases (purchase_id text PRIMARY KEY, user_id text, amount numeric, purchased_at timestamptz NOT NULL);
      INSERT INTO public.purchases VALUES
        ('p1', 'u1', 10.5, '2024-03-01T10:00:00Z'),
        ('p2', 'u1', 20, '2024-03-02T11:30:00Z'),
        ('p3', 'u3', 7.25, '2024-03-03T09:15:00Z'),
        ('p4', NULL, 3, '2024-03-04T08:00:00Z');
    `);
  } finally {
    await client.end();
  }
});

test.afterAll(async () => {
  await source?.drop();
});

async function createToken(page: Page, label: string): Promise<string> {
  const { slug } = await signUpWithWorkspace(page, label);
  await page.goto(`/w/${slug}/settings`);
  await page.getByLabel("Token name").fill(`${label} automation`);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("api-token-value").textContent())?.trim();
  expect(token).toBeTruthy();
  return token!;
}

function api(request: APIRequestContext, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const send = async (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, data?: unknown) => {
    const response = await request.fetch(path, { method, headers, ...(data === undefined ? {} : { data }) });
    return { status: response.status(), json: (await response.json()) as Json };
  };
  return {
    get: (path: string) => send("GET", path),
    post: (path: string, data?: unknown) => send("POST", path, data),
    patch: (path: string, data: unknown) => send("PATCH", path, data),
    delete: (path: string) => send("DELETE", path),
  };
}

async function waitForRun(client: ReturnType<typeof api>, runId: string): Promise<Json> {
  let run: Json = {};
  await expect
    .poll(
      async () => {
        run = (await client.get(`/api/v1/runs/${runId}`)).json;
        return run.status as string;
      },
      { timeout: 60_000, intervals: [250, 500, 1000] },
    )
    .toMatch(new RegExp(`^(${FINAL_STATUSES.join("|")})$`));
  return run;
}

test("automates connections, syncs and runs with an API token; another workspace's token gets 404", async ({ page, request }) => {
  tokenA = await createToken(page, "api-a");
  const a = api(request, tokenA);

  expect((await api(request, "twk_wrong").get("/api/v1/connections")).status).toBe(401);
  const openapi = await request.get("/api/v1/openapi.json");
  expect(((await openapi.json()) as Json).paths).toHaveProperty(["/api/v1/syncs/{id}/runs"]);

  // Connections: PostgreSQL by host fields, CleverTap, Customer.io with an App API key for read-back.
  const pgUrl = new URL(source.url);
  const warehouse = await a.post("/api/v1/connections", {
    name: "Warehouse",
    type: "postgres",
    config: {
      host: pgUrl.hostname,
      port: Number(pgUrl.port || 5432),
      database: pgUrl.pathname.slice(1),
      user: decodeURIComponent(pgUrl.username),
      ...(pgUrl.password ? { password: decodeURIComponent(pgUrl.password) } : {}),
      sslMode: "disable",
    },
  });
  expect(warehouse.status, JSON.stringify(warehouse.json)).toBe(201);
  const clevertap = await a.post("/api/v1/connections", { name: "CleverTap", type: "clevertap", config: { accountId: "SIM-ACC-0001", passcode: "SIM-PASS-0001", region: "us1" } });
  expect(clevertap.status, JSON.stringify(clevertap.json)).toBe(201);
  expect(clevertap.json.config).toEqual({ accountId: "SIM-ACC-0001", region: "us1", passcode: { set: true } });
  const customerio = await a.post("/api/v1/connections", {
    name: "Customer.io",
    type: "customerio",
    config: { siteId: "sim-site", apiKey: "sim-key", region: "us", appApiKey: "sim-app-key" },
  });
  expect(customerio.status, JSON.stringify(customerio.json)).toBe(201);
  expect(customerio.json.config).toMatchObject({ siteId: "sim-site", region: "us", apiKey: { set: true }, appApiKey: { set: true } });
  ids.connections = { warehouse: warehouse.json.id, clevertap: clevertap.json.id, customerio: customerio.json.id };

  for (const id of Object.values(ids.connections)) {
    const tested = await a.post(`/api/v1/connections/${id}/test`);
    expect(tested.json, id).toMatchObject({ ok: true });
  }
  const badRegion = await a.patch(`/api/v1/connections/${ids.connections.clevertap}`, { config: { region: "moon" } });
  expect(badRegion.status).toBe(400);
  expect(badRegion.json.error.details.fieldErrors).toHaveProperty("region");

  // One sync per destination object.
  const sourceId = ids.connections.warehouse;
  const users = { type: "table", schema: "public", table: "users" };
  const purchases = { type: "sql", sql: "select purchase_id, user_id, amount, purchased_at from public.purchases" };
  const definitions: Record<string, Json> = {
    clevertapProfile: {
      name: "Users to CleverTap",
      sourceId,
      model: users,
      destinationId: ids.connections.clevertap,
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "name" }, to: "Name", type: "string" },
        { from: { column: "phone" }, to: "Phone", type: "string" },
        { from: { constant: "warehouse" }, to: "Source", type: "string" },
      ],
      initialSync: "all",
      schedule: { type: "manual" },
    },
    clevertapEvent: {
      name: "Purchases to CleverTap",
      sourceId,
      model: purchases,
      destinationId: ids.connections.clevertap,
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity", idColumn: "purchase_id", timestampColumn: "purchased_at" },
      mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
      schedule: { type: "manual" },
    },
    customerioPerson: {
      name: "Users to Customer.io",
      sourceId,
      model: users,
      destinationId: ids.connections.customerio,
      object: "person",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "id" },
      mappings: [
        { from: { column: "email" }, to: "email", type: "string" },
        { from: { column: "plan" }, to: "plan", type: "string" },
      ],
      schedule: { type: "cron", expression: "0 * * * *", timezone: "UTC" },
      enabled: false,
    },
    customerioEvent: {
      name: "Purchases to Customer.io",
      sourceId,
      model: purchases,
      destinationId: ids.connections.customerio,
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      event: { name: { constant: "purchase" }, identityColumn: "user_id", identifier: "id", idColumn: "purchase_id", timestampColumn: "purchased_at" },
      syncAllColumns: true,
      schedule: { type: "manual" },
    },
  };
  for (const [key, definition] of Object.entries(definitions)) {
    const created = await a.post("/api/v1/syncs", definition);
    expect(created.status, `${key}: ${JSON.stringify(created.json)}`).toBe(201);
    expect(created.json).toMatchObject({ name: definition.name, object: definition.object, behavior: definition.behavior });
    ids.syncs[key] = created.json.id;
  }
  const wrongBehavior = await a.post("/api/v1/syncs", { ...definitions.clevertapEvent, name: "Upserting events", behavior: "upsert" });
  expect(wrongBehavior.status).toBe(400);
  expect(wrongBehavior.json.error.details.fieldErrors.behavior).toContain('Behavior "upsert" is not available for CleverTap Event');
  expect((await a.get("/api/v1/syncs")).json.data).toHaveLength(4);

  // Trigger all four, then poll until each finishes.
  for (const [key, syncId] of Object.entries(ids.syncs)) {
    const triggered = await a.post(`/api/v1/syncs/${syncId}/runs`, key === "customerioPerson" ? { fullResync: true } : undefined);
    expect(triggered.status, key).toBe(202);
    ids.runs[key] = triggered.json.runId;
  }
  const runs: Record<string, Json> = {};
  for (const [key, runId] of Object.entries(ids.runs)) runs[key] = await waitForRun(a, runId);

  expect(runs.clevertapProfile).toMatchObject({
    status: "succeeded_with_invalid_rows",
    triggeredBy: { kind: "api_token", name: "api-a automation" },
    counts: { read: 4, invalid: 1, unchanged: 0, created: 3, updated: 0, rejected: 0, retried: 0 },
    error: null,
  });
  expect(runs.clevertapEvent).toMatchObject({ status: "succeeded_with_invalid_rows", counts: { read: 4, invalid: 1, created: 3, rejected: 0 } });
  expect(runs.customerioPerson).toMatchObject({ status: "succeeded", counts: { read: 4, invalid: 0, created: 4, rejected: 0 } });
  expect(runs.customerioEvent).toMatchObject({ status: "succeeded_with_invalid_rows", counts: { read: 4, invalid: 1, created: 3, rejected: 0 } });
  for (const run of Object.values(runs)) {
    expect(run.startedAt).toEqual(expect.any(String));
    expect(run.finishedAt).toEqual(expect.any(String));
  }

  const profileErrors = await a.get(`/api/v1/runs/${ids.runs.clevertapProfile}/errors`);
  expect(profileErrors.json.totals).toEqual({ invalid: 1, rejected: 0, droppedField: 0 });
  expect(profileErrors.json.data).toEqual([
    expect.objectContaining({ kind: "invalid", key: "u2", field: "Phone", reason: "must start with + and the country code, digits only (e.g. +14155551234)" }),
  ]);
  for (const key of ["clevertapEvent", "customerioEvent"]) {
    const errors = await a.get(`/api/v1/runs/${ids.runs[key]}/errors`);
    expect(errors.json.data, key).toEqual([expect.objectContaining({ kind: "invalid", key: "p4", field: "user_id", reason: "identity column user_id is empty" })]);
  }
  expect((await a.get(`/api/v1/runs/${ids.runs.customerioPerson}/errors`)).json.data).toEqual([]);
  const history = await a.get(`/api/v1/syncs/${ids.syncs.clevertapProfile}/runs`);
  expect(history.json.data.map((r: Json) => r.id)).toEqual([ids.runs.clevertapProfile]);
  expect((await a.get(`/api/v1/syncs/${ids.syncs.clevertapProfile}`)).json.lastRun).toMatchObject({ id: ids.runs.clevertapProfile, status: "succeeded_with_invalid_rows" });

  // Another workspace's token: every id is unknown and nothing changes.
  await page.context().clearCookies();
  const b = api(request, await createToken(page, "api-b"));
  const foreign: [string, string, unknown?][] = [];
  for (const id of Object.values(ids.connections)) {
    foreign.push(["GET", `/api/v1/connections/${id}`], ["PATCH", `/api/v1/connections/${id}`, { name: "Taken" }], ["POST", `/api/v1/connections/${id}/test`], ["DELETE", `/api/v1/connections/${id}`]);
  }
  for (const id of Object.values(ids.syncs)) {
    foreign.push(
      ["GET", `/api/v1/syncs/${id}`],
      ["PATCH", `/api/v1/syncs/${id}`, { name: "Taken" }],
      ["GET", `/api/v1/syncs/${id}/runs`],
      ["POST", `/api/v1/syncs/${id}/runs`],
      ["DELETE", `/api/v1/syncs/${id}`],
    );
  }
  for (const id of Object.values(ids.runs)) foreign.push(["GET", `/api/v1/runs/${id}`], ["GET", `/api/v1/runs/${id}/errors`]);
  for (const [method, path, body] of foreign) {
    const answer =
      method === "GET" ? await b.get(path) : method === "DELETE" ? await b.delete(path) : method === "PATCH" ? await b.patch(path, body) : await b.post(path, body);
    expect(answer.status, `${method} ${path}`).toBe(404);
    expect(answer.json.error.code, `${method} ${path}`).toBe("NOT_FOUND");
  }
  expect((await b.get("/api/v1/connections")).json.data).toEqual([]);
  expect((await b.get("/api/v1/syncs")).json.data).toEqual([]);

  const connectionsAfter = (await a.get("/api/v1/connections")).json.data as Json[];
  expect(connectionsAfter.map((c) => c.name).sort()).toEqual(["CleverTap", "Customer.io", "Warehouse"]);
  const syncsAfter = (await a.get("/api/v1/syncs")).json.data as Json[];
  expect(syncsAfter.map((s) => s.name).sort()).toEqual(["Purchases to CleverTap", "Purchases to Customer.io", "Users to CleverTap", "Users to Customer.io"]);
  for (const syncId of Object.values(ids.syncs)) expect((await a.get(`/api/v1/syncs/${syncId}/runs`)).json.data).toHaveLength(1);
});

test("a run's API response carries the verification result and links", async ({ request }) => {
  const a = api(request, tokenA);
  const verificationOf = async (key: string) => {
    let verification: Json | null = null;
    // Verification runs after the run's final status is set.
    await expect
      .poll(async () => (verification = (await a.get(`/api/v1/runs/${ids.runs[key]}`)).json.verification as Json | null), { timeout: 30_000 })
      .not.toBeNull();
    return verification!;
  };
  const profile = await verificationOf("clevertapProfile");
  expect(profile).toMatchObject({ checked: 3, verified: 3, differences: [], message: "3 of 3 verified" });
  expect(profile.links[0]).toEqual({ label: "CleverTap dashboard (United States)", url: "https://us1.dashboard.clevertap.com/SIM-ACC-0001/main" });
  expect(profile.links.filter((l: Json) => String(l.url).endsWith("/profile-view.html"))).toHaveLength(3);

  const person = await verificationOf("customerioPerson");
  expect(person).toMatchObject({ checked: 4, verified: 4, message: "4 of 4 verified" });
  expect(person.links.filter((l: Json) => String(l.label).startsWith("Person "))).toHaveLength(4);

  // CleverTap events are read back through the Get Events API.
  const event = await verificationOf("clevertapEvent");
  expect(event).toMatchObject({ checked: 3, verified: 3, differences: [], message: "3 of 3 verified" });
  expect(event.links.map((l: Json) => l.label)).toContain("Event Analytics: open Analytics > Events and pick the synced event to see its count by day");
});

/**
 * The REST API through its real route handlers (app/api/v1), the services and the database, with a
 * real PostgreSQL source and the CleverTap simulator. The run is executed by the engine directly: no
 * job runner is started in this process.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import * as connectionRoute from "~/app/api/v1/connections/[id]/route";
import * as connectionTestRoute from "~/app/api/v1/connections/[id]/test/route";
import * as connectionsRoute from "~/app/api/v1/connections/route";
import * as openapiRoute from "~/app/api/v1/openapi.json/route";
import * as runErrorsCsvRoute from "~/app/api/v1/runs/[id]/errors.csv/route";
import * as runErrorsRoute from "~/app/api/v1/runs/[id]/errors/route";
import * as runRoute from "~/app/api/v1/runs/[id]/route";
import * as syncRoute from "~/app/api/v1/syncs/[id]/route";
import * as syncRunsRoute from "~/app/api/v1/syncs/[id]/runs/route";
import * as syncsRoute from "~/app/api/v1/syncs/route";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { createEngineDeps } from "~/server/jobs/engine-deps";
import { bootstrapWorkspace } from "~/server/services/workspaces/bootstrap-workspace";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { createPostgresDatabase } from "~/server/testing/databases";

type Handler = (request: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let clevertap: ClevertapSimulator;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  database = await createPostgresDatabase("rest");
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`CREATE TABLE users (user_id text PRIMARY KEY, email text, phone text)`);
  await client.query(`INSERT INTO users VALUES ('u1', 'ada@example.com', '+14155550101'), ('u2', 'grace@example.com', '4155550102'), ('u3', 'linus@example.com', NULL)`);
  await client.end();
  clevertap = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
  tokenA = (await bootstrapWorkspace({ email: "rest-a@example.com", password: "Correct-Horse-42", workspaceName: "REST A" })).apiToken;
  tokenB = (await bootstrapWorkspace({ email: "rest-b@example.com", password: "Correct-Horse-42", workspaceName: "REST B" })).apiToken;
});

afterAll(async () => {
  await clevertap?.close();
  await database?.drop();
});

async function call(handler: Handler, p: { method?: string; path?: string; token?: string | null; body?: unknown; rawBody?: string; params?: Record<string, string> }) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (p.token) headers.authorization = `Bearer ${p.token}`;
  const request = new Request(`http://localhost${p.path ?? "/api/v1/test"}`, {
    method: p.method ?? "GET",
    headers,
    body: p.rawBody ?? (p.body === undefined ? undefined : JSON.stringify(p.body)),
  });
  // Like Next.js: routes without dynamic segments get a params promise that resolves to undefined.
  const response = await handler(request, { params: Promise.resolve(p.params as Record<string, string>) });
  const text = await response.text();
  return { status: response.status, text, json: (text ? JSON.parse(text) : null) as Json };
}

const CLEVERTAP = { name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" } };

describe("REST API v1", () => {
  it("answers 401 with the error envelope without a valid token", async () => {
    const missing = await call(connectionsRoute.GET, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("Authorization: Bearer") });
    const wrong = await call(connectionsRoute.GET, { token: "twk_not-a-real-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: { code: "UNAUTHORIZED", message: "The API token is not valid or has been revoked.", details: {} } });
  });

  it("validates bodies with field errors named by their path", async () => {
    const badJson = await call(connectionsRoute.POST, { method: "POST", token: tokenA, rawBody: "{" });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.message).toBe("The request body is not valid JSON.");

    const unknownType = await call(connectionsRoute.POST, { method: "POST", token: tokenA, body: { name: "X", type: "salesforce", config: {} } });
    expect(unknownType.status).toBe(400);
    expect(unknownType.json.error.details.fieldErrors.type).toMatch(/^type must be one of: postgres, mysql, .*clevertap, customerio/);

    const badRegion = await call(connectionsRoute.POST, { method: "POST", token: tokenA, body: { ...CLEVERTAP, config: { ...CLEVERTAP.config, region: "mars" } } });
    expect(badRegion.status).toBe(400);
    expect(Object.keys(badRegion.json.error.details.fieldErrors)).toEqual(["config.region"]);
  });

  it("manages connections and syncs, runs a sync and reads its counts and errors; another workspace's token gets 404", async () => {
    const source = await call(connectionsRoute.POST, { method: "POST", token: tokenA, body: { name: "Warehouse", type: "postgres", config: { url: database.url } } });
    expect(source.status).toBe(201);
    expect(source.json).toMatchObject({ name: "Warehouse", type: "postgres", kind: "source", config: { url: { set: true } } });
    expect(source.text).not.toContain(database.url);

    const destination = await call(connectionsRoute.POST, { method: "POST", token: tokenA, body: CLEVERTAP });
    expect(destination.status).toBe(201);
    expect(destination.json.config).toEqual({ accountId: SIM_ACCOUNT_ID, region: "us1", passcode: { set: true } });
    expect(destination.text).not.toContain(SIM_PASSCODE);
    const destinationId = destination.json.id as string;

    const duplicate = await call(connectionsRoute.POST, { method: "POST", token: tokenA, body: CLEVERTAP });
    expect(duplicate.status).toBe(409);

    const tested = await call(connectionTestRoute.POST, { method: "POST", token: tokenA, params: { id: destinationId } });
    expect(tested.json).toEqual({ ok: true, message: expect.stringContaining("Connected to CleverTap") });
    expect((await call(connectionRoute.GET, { token: tokenA, params: { id: destinationId } })).json.status.ok).toBe(true);

    const list = await call(connectionsRoute.GET, { token: tokenA });
    expect(list.json.data.map((c: Json) => c.name)).toEqual(["Warehouse", "CleverTap"]);

    const definition = {
      name: "Users to CleverTap",
      sourceId: source.json.id,
      model: { type: "table", schema: "public", table: "users" },
      destinationId,
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "phone" }, to: "Phone", type: "string" },
        { from: { constant: "warehouse" }, to: "Source", type: "string" },
      ],
      initialSync: "all",
      schedule: { type: "manual" },
    };
    const invalid = await call(syncsRoute.POST, { method: "POST", token: tokenA, body: { ...definition, mappings: [{ from: { column: "mail" }, to: "Email", type: "string" }] } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.details.fieldErrors["mappings.0.from.column"]).toMatch(/"mail" is not a column of the model/);

    const sync = await call(syncsRoute.POST, { method: "POST", token: tokenA, body: definition });
    expect(sync.status).toBe(201);
    expect(sync.json).toMatchObject({ name: "Users to CleverTap", object: "profile", syncKey: { column: "user_id", identifier: "identity" }, lastRun: null });
    const syncId = sync.json.id as string;

    const renamed = await call(syncRoute.PATCH, { method: "PATCH", token: tokenA, params: { id: syncId }, body: { schedule: { type: "interval", minutes: 15 } } });
    expect(renamed.status).toBe(200);
    expect(renamed.json.schedule).toEqual({ type: "interval", minutes: 15 });

    const triggered = await call(syncRunsRoute.POST, { method: "POST", token: tokenA, params: { id: syncId } });
    expect(triggered.status).toBe(202);
    const runId = triggered.json.runId as string;
    expect(triggered.json).toEqual({ runId, alreadyRunning: false });
    const again = await call(syncRunsRoute.POST, { method: "POST", token: tokenA, params: { id: syncId }, body: { fullResync: true } });
    expect(again.json).toEqual({ runId, alreadyRunning: true });
    expect((await call(runRoute.GET, { token: tokenA, params: { id: runId } })).json).toMatchObject({ id: runId, status: "queued", trigger: "api", startedAt: null });

    // Another workspace: every id is unknown, and nothing changes.
    for (const [handler, method, id] of [
      [connectionRoute.GET, "GET", destinationId],
      [connectionRoute.PATCH, "PATCH", destinationId],
      [connectionRoute.DELETE, "DELETE", destinationId],
      [connectionTestRoute.POST, "POST", destinationId],
      [syncRoute.GET, "GET", syncId],
      [syncRoute.PATCH, "PATCH", syncId],
      [syncRoute.DELETE, "DELETE", syncId],
      [syncRunsRoute.GET, "GET", syncId],
      [syncRunsRoute.POST, "POST", syncId],
      [runRoute.GET, "GET", runId],
      [runErrorsRoute.GET, "GET", runId],
    ] as const) {
      const body = method === "PATCH" ? { name: "Taken over" } : undefined;
      const answer = await call(handler as Handler, { method, token: tokenB, params: { id }, body });
      expect(answer.status, `${method} ${id}`).toBe(404);
      expect(answer.json.error.code).toBe("NOT_FOUND");
    }
    expect((await call(connectionsRoute.GET, { token: tokenB })).json.data).toEqual([]);
    expect((await call(syncRunsRoute.GET, { token: tokenA, params: { id: syncId } })).json.data).toHaveLength(1);

    const { status } = await runSyncRun({ runId, deps: createEngineDeps(), io: directIo });
    expect(status).toBe("SUCCEEDED_WITH_INVALID_ROWS");
    const run = await call(runRoute.GET, { token: tokenA, params: { id: runId } });
    expect(run.json).toMatchObject({
      id: runId,
      syncId,
      status: "succeeded_with_invalid_rows",
      triggeredBy: { kind: "api_token", name: expect.any(String) },
      warnings: [],
      counts: { read: 3, invalid: 1, unchanged: 0, created: 2, updated: 0, rejected: 0, retried: 0 },
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      error: null,
    });
    const errors = await call(runErrorsRoute.GET, { token: tokenA, params: { id: runId } });
    expect(errors.json).toMatchObject({ totals: { invalid: 1, rejected: 0 }, nextCursor: null });
    expect(errors.json.data).toEqual([
      expect.objectContaining({ kind: "invalid", key: "u2", field: "Phone", reason: expect.stringContaining("country code"), code: null }),
    ]);
    const onlyRejected = await call(runErrorsRoute.GET, { path: "/api/v1/runs/x/errors?kind=rejected", token: tokenA, params: { id: runId } });
    expect(onlyRejected.json.data).toEqual([]);
    const badQuery = await call(runErrorsRoute.GET, { path: "/api/v1/runs/x/errors?kind=all", token: tokenA, params: { id: runId } });
    expect(badQuery.status).toBe(400);
    expect(Object.keys(badQuery.json.error.details.fieldErrors)).toEqual(["kind"]);
    const csv = (token: string) =>
      runErrorsCsvRoute.GET(new Request("http://localhost/api/v1/runs/x/errors.csv?kind=invalid", { headers: { authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ id: runId }),
      });
    const download = await csv(tokenA);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await download.text()).trim().split("\n");
    expect(lines[0]).toBe("kind,record_key,row_number,row_values,field,reason,destination_code,created_at");
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^invalid,u2,\d+,,Phone,.*country code/)]);
    expect((await csv(tokenB)).status).toBe(404);

    const inUse = await call(connectionRoute.DELETE, { method: "DELETE", token: tokenA, params: { id: destinationId } });
    expect(inUse.status).toBe(409);
    expect((await call(syncRoute.DELETE, { method: "DELETE", token: tokenA, params: { id: syncId } })).json).toEqual({ ok: true });
    expect((await call(connectionRoute.DELETE, { method: "DELETE", token: tokenA, params: { id: destinationId } })).status).toBe(200);
    expect((await call(connectionRoute.GET, { token: tokenA, params: { id: destinationId } })).status).toBe(404);
  });

  it("serves the OpenAPI document without a token", async () => {
    const response = await openapiRoute.GET();
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).openapi).toMatch(/^3\./);
  });
});

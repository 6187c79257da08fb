/**
 * npm run bench — the product's own benchmark, in one invocation: PostgreSQL source → CleverTap profiles
 * and Customer.io events, through the real services, runSyncRun and connectors, against the simulators in
 * their own process over HTTP; with the product's state in PostgreSQL and in PGlite. In the same run it
 * measures a naive loader (cursor read, same fields, 1000-record POSTs, same concurrency, no state) and
 * the read floor (the table read alone). Prints a table and writes bench/results.json; asserts nothing.
 *
 *   BENCH_ROWS=100000 (default)      rows in the source tables (ids get a -100k / -1m suffix)
 *   BENCH_STATE=postgres,pglite      state stores to run the product scenarios with
 *   TEST_PG_URL=postgres://…         a PostgreSQL server where scratch databases may be created
 *
 * Not measured yet: Customer.io at its 100 req/s limit (the simulator does not enforce it yet); see the
 * README's Performance section.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import pg from "pg";

process.env.DATA_DIR ??= mkdtempSync(join(tmpdir(), "tidewater-bench-"));
process.env.LOG_LEVEL ??= "warn";
// PostgreSQL state needs shared secrets; a benchmark run makes up its own.
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");

const { env } = await import("~/env.js");
const { SIM_ACCOUNT_ID, SIM_PASSCODE } = await import("~/e2e/simulators/clevertap/server");
const { CUSTOMERIO_SIM_API_KEY, CUSTOMERIO_SIM_SITE_ID } = await import("~/e2e/simulators/customerio/server");
const { createPostgresDatabase } = await import("~/server/testing/databases");
const { closeDb, createAdapterFactory, getDb } = await import("~/server/db/client");
const { migrateDatabase } = await import("~/server/db/migrate-database");
const { createWorkspace } = await import("~/server/services/workspaces/create-workspace");
const { signUpUser } = await import("~/server/services/users/sign-up-user");
const { createConnection } = await import("~/server/services/connections/create-connection");
const { createSync } = await import("~/server/services/syncs/create-sync");
const { directIo, runSyncRun } = await import("~/server/jobs/run-sync-run");
const { createEngineDeps } = await import("~/server/jobs/engine-deps");
const { clevertapConnector } = await import("~/server/connectors/clevertap");
const { createId } = await import("~/server/lib/ids");

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const SUFFIX = ROWS >= 1_000_000 ? `-${ROWS / 1_000_000}m` : `-${Math.round(ROWS / 1000)}k`;
const STATE_STORES = (process.env.BENCH_STATE ?? "postgres,pglite").split(",").map((s) => s.trim()) as ("postgres" | "pglite")[];
const LOADER_BATCH = 1000;
const LOADER_IN_FLIGHT = 4;
const SIM_PORT = Number(process.env.BENCH_SIM_PORT ?? 4910);

type Scenario = {
  id: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  recordsSent: number;
  requests: number;
  peakRssMb: number;
  stateStore: "postgres" | "pglite" | null;
  /** seconds ÷ the reference's seconds: the naive loader for first runs, the read floor for no-change and 1% runs. */
  ratioToBaseline: number | null;
  baselineId: string | null;
  status?: string;
};

// The destinations run in their own process, as real APIs would, so they do not share the engine's thread.
const simProcess = spawn(process.execPath, ["--import", "tsx", "e2e/simulators/start.ts"], {
  env: { ...process.env, CLEVERTAP_SIM_PORT: String(SIM_PORT), CUSTOMERIO_SIM_PORT: String(SIM_PORT + 1), GOOGLE_SHEETS_SIM_PORT: String(SIM_PORT + 2) },
  stdio: "ignore",
});
const clevertapUrl = `http://127.0.0.1:${SIM_PORT}`;
const customerioUrl = `http://127.0.0.1:${SIM_PORT + 1}`;
for (let attempt = 0; ; attempt++) {
  const up = await fetch(`${clevertapUrl}/__sim/stats`).then((r) => r.ok, () => false);
  if (up) break;
  if (attempt > 150) throw new Error(`The simulators did not start on port ${SIM_PORT}`);
  await new Promise((r) => setTimeout(r, 200));
}
env.CLEVERTAP_API_BASE_URL = clevertapUrl;
env.CUSTOMERIO_TRACK_BASE_URL = customerioUrl;
env.CUSTOMERIO_APP_BASE_URL = customerioUrl;
const source = await createPostgresDatabase("bench");
const scratch: { drop(): Promise<void> }[] = [source];

async function sql(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function simStats(url: string): Promise<{ requests: number; records: number }> {
  const stats = (await (await fetch(`${url}/__sim/stats`)).json()) as Record<string, number>;
  return url === clevertapUrl ? { requests: stats.uploads ?? 0, records: stats.uploadedRecords ?? 0 } : { requests: stats.batchRequests ?? stats.requests ?? 0, records: stats.batchItems ?? 0 };
}

/** Runs `work` while sampling this process's RSS; answers its seconds and peak RSS. */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
  } finally {
    clearInterval(sampler);
  }
}

const PROFILE_COLUMNS = "user_id, email, username, plan, signed_up_at, score";

/** The read floor: the whole table through keyset pages on one connection, nothing else. */
async function readFloor(): Promise<Scenario> {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  const { seconds, peakRssMb, value } = await measure(async () => {
    let after = 0;
    let rows = 0;
    for (;;) {
      const page = await client.query(`SELECT ${PROFILE_COLUMNS} FROM users WHERE user_id > $1 ORDER BY user_id LIMIT 1000`, [after]);
      rows += page.rowCount ?? 0;
      if ((page.rowCount ?? 0) < 1000) return rows;
      after = Number(page.rows.at(-1).user_id);
    }
  });
  await client.end();
  return { id: `read-floor${SUFFIX}`, rows: value, seconds, rowsPerSecond: Math.round(value / seconds), recordsSent: 0, requests: 0, peakRssMb, stateStore: null, ratioToBaseline: null, baselineId: null };
}

/** The naive loader: keyset read on one connection, the same fields, 1000-record POSTs, LOADER_IN_FLIGHT at once, no state. */
async function naiveLoader(): Promise<Scenario> {
  const object = clevertapConnector.objects.find((o) => o.id === "profile")!;
  const config = clevertapConnector.configSchema.parse({ accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" });
  const before = await simStats(clevertapUrl);
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  const { seconds, peakRssMb, value } = await measure(async () => {
    let after = 0;
    let rows = 0;
    const inFlight = new Set<Promise<unknown>>();
    for (;;) {
      const page = await client.query(`SELECT ${PROFILE_COLUMNS} FROM users WHERE user_id > $1 ORDER BY user_id LIMIT ${LOADER_BATCH}`, [after]);
      const records = page.rows.map((r) => ({
        key: String(r.user_id),
        identifier: { type: "identity", value: String(r.user_id) },
        fields: { Email: r.email, Name: r.username, Plan: r.plan, "Signed Up": r.signed_up_at, Score: Number(r.score) },
      }));
      rows += records.length;
      if (records.length > 0) {
        while (inFlight.size >= LOADER_IN_FLIGHT) await Promise.race(inFlight);
        const sending = clevertapConnector.write({ config, object, behavior: "upsert", records });
        inFlight.add(sending);
        void sending.finally(() => inFlight.delete(sending));
      }
      if (records.length < LOADER_BATCH) break;
      after = Number(page.rows.at(-1).user_id);
    }
    await Promise.all(inFlight);
    return rows;
  });
  await client.end();
  const after = await simStats(clevertapUrl);
  return {
    id: `baseline${SUFFIX}`,
    rows: value,
    seconds,
    rowsPerSecond: Math.round(value / seconds),
    recordsSent: after.records - before.records,
    requests: after.requests - before.requests,
    peakRssMb,
    stateStore: null,
    ratioToBaseline: null,
    baselineId: null,
  };
}

async function productRun(p: { id: string; workspaceId: string; syncId: string; simUrl: string; stateStore: "postgres" | "pglite" }): Promise<Scenario> {
  const db = await getDb();
  const runId = createId("run");
  await db.syncRun.create({ data: { id: runId, workspaceId: p.workspaceId, syncId: p.syncId, trigger: "MANUAL" } });
  const before = await simStats(p.simUrl);
  // Verification reads back 20 records after the run; the figure is the run itself.
  const { peakRssMb, value } = await measure(() => runSyncRun({ runId, deps: createEngineDeps(), io: directIo }));
  const after = await simStats(p.simUrl);
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
  // The run itself, from its start to its finish: the read-back verification after it is not part of the figure.
  const seconds = (run.finishedAt!.getTime() - run.startedAt!.getTime()) / 1000;
  return {
    id: p.id,
    rows: run.rowsRead,
    seconds,
    rowsPerSecond: Math.round(run.rowsRead / seconds),
    recordsSent: after.records - before.records,
    requests: after.requests - before.requests,
    peakRssMb,
    stateStore: p.stateStore,
    ratioToBaseline: null,
    baselineId: null,
    status: value.status,
  };
}

async function switchStateStore(store: "postgres" | "pglite"): Promise<void> {
  await closeDb();
  if (store === "pglite") {
    env.DATABASE_URL = undefined;
    env.DATA_DIR = mkdtempSync(join(tmpdir(), "tidewater-bench-pglite-"));
    return;
  }
  const state = await createPostgresDatabase("bench_state");
  scratch.push(state);
  const { factory, close } = await createAdapterFactory({ databaseUrl: state.url });
  await migrateDatabase(factory);
  await close();
  env.DATABASE_URL = state.url;
}

/**
 * profile-1pct-watermark: the 1% run again, on a copy of the users table with an indexed updated_at, by a
 * sync that tracks it. Its first run skips the current rows (marks them seen and commits the watermark),
 * so only the incremental 1% run is measured: it should read about 1% of the rows.
 */
async function profileWatermarkScenario(p: { workspaceId: string; actor: { userId: string; label: string }; sourceId: string; destinationId: string; stateStore: "postgres" | "pglite" }): Promise<Scenario> {
  await sql(`DROP TABLE IF EXISTS users_tracked`);
  // Written days ago, a minute apart: only the latest rows fall inside the look-back from the first watermark.
  await sql(`CREATE TABLE users_tracked AS SELECT ${PROFILE_COLUMNS}, now() - interval '2 days' - (user_id || ' minutes')::interval AS updated_at FROM users`);
  await sql(`ALTER TABLE users_tracked ADD PRIMARY KEY (user_id)`);
  await sql(`CREATE INDEX users_tracked_updated_at ON users_tracked (updated_at)`);
  await sql(`ANALYZE users_tracked`);
  const sync = await createSync({
    workspaceId: p.workspaceId,
    actor: p.actor,
    definition: {
      name: "Users to CleverTap (change tracking)",
      sourceId: p.sourceId,
      destinationId: p.destinationId,
      model: { type: "table", schema: "public", table: "users_tracked" },
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "username" }, to: "Name", type: "string" },
        { from: { column: "plan" }, to: "Plan", type: "string" },
        { from: { column: "signed_up_at" }, to: "Signed Up", type: "date" },
        { from: { column: "score" }, to: "Score", type: "number" },
      ],
      initialSync: "skip",
      changeTracking: { column: "updated_at", lookbackMinutes: 15, fullCompareHours: 24 },
    },
  });
  await productRun({ workspaceId: p.workspaceId, stateStore: p.stateStore, id: "watermark-seed", syncId: sync.id, simUrl: clevertapUrl });
  // A plan no earlier scenario wrote, so every one of these rows is a real change.
  await sql(`UPDATE users_tracked SET plan = 'tracked', updated_at = now() WHERE user_id % 100 = 0`);
  return productRun({ workspaceId: p.workspaceId, stateStore: p.stateStore, id: `profile-1pct-watermark${SUFFIX}`, syncId: sync.id, simUrl: clevertapUrl });
}

async function productScenarios(store: "postgres" | "pglite"): Promise<Scenario[]> {
  await switchStateStore(store);
  await sql(`UPDATE users SET plan = (ARRAY['free','pro','team'])[1 + user_id % 3]`);
  const user = await signUpUser({ email: `bench-${randomBytes(3).toString("hex")}@example.com`, password: "Bench-Password-1" });
  const actor = { userId: user.id, label: user.email };
  const ws = await createWorkspace({ userId: user.id, name: "Bench", actor });
  const src = await createConnection({ workspaceId: ws.id, name: "Warehouse", type: "postgres", config: { url: source.url }, actor });
  const ct = await createConnection({ workspaceId: ws.id, name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor });
  const cio = await createConnection({ workspaceId: ws.id, name: "Customer.io", type: "customerio", config: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us" }, actor });
  const profiles = await createSync({
    workspaceId: ws.id,
    actor,
    definition: {
      name: "Users to CleverTap",
      sourceId: src.id,
      destinationId: ct.id,
      model: { type: "table", schema: "public", table: "users" },
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "username" }, to: "Name", type: "string" },
        { from: { column: "plan" }, to: "Plan", type: "string" },
        { from: { column: "signed_up_at" }, to: "Signed Up", type: "date" },
        { from: { column: "score" }, to: "Score", type: "number" },
      ],
    },
  });
  const events = await createSync({
    workspaceId: ws.id,
    actor,
    definition: {
      name: "Events to Customer.io",
      sourceId: src.id,
      destinationId: cio.id,
      model: { type: "table", schema: "public", table: "events" },
      object: "event",
      behavior: "append",
      syncKey: { column: "event_id" },
      mappings: [{ from: { column: "amount" }, to: "amount", type: "number" }],
      event: { name: { constant: "purchase" }, identityColumn: "user_id", identifier: "id", idColumn: "event_id", timestampColumn: "at" },
    },
  });
  const common = { workspaceId: ws.id, stateStore: store };
  const results: Scenario[] = [];
  results.push(await productRun({ ...common, id: `profile-first${SUFFIX}`, syncId: profiles.id, simUrl: clevertapUrl }));
  results.push(await productRun({ ...common, id: `profile-nochange${SUFFIX}`, syncId: profiles.id, simUrl: clevertapUrl }));
  await sql(`UPDATE users SET plan = 'enterprise' WHERE user_id % 100 = 0`);
  results.push(await productRun({ ...common, id: `profile-1pct${SUFFIX}`, syncId: profiles.id, simUrl: clevertapUrl }));
  results.push(await profileWatermarkScenario({ ...common, actor, sourceId: src.id, destinationId: ct.id }));
  results.push(await productRun({ ...common, id: `customerio-events${SUFFIX}`, syncId: events.id, simUrl: customerioUrl }));
  return results;
}

try {
  const seeded = await measure(async () => {
    await sql(`CREATE TABLE users (user_id bigint PRIMARY KEY, email text, username text, plan text, signed_up_at timestamptz, score numeric)`);
    await sql(
      `INSERT INTO users SELECT g, 'user' || g || '@example.com', 'User ' || g, (ARRAY['free','pro','team'])[1 + g % 3], now() - (g || ' minutes')::interval, g % 1000
       FROM generate_series(1, $1) AS g`,
      [ROWS],
    );
    await sql(`CREATE TABLE events (event_id bigint PRIMARY KEY, user_id text NOT NULL, amount numeric, at timestamptz NOT NULL)`);
    await sql(`INSERT INTO events SELECT g, 'u' || (g % 5000), g % 500, now() - (g || ' seconds')::interval FROM generate_series(1, $1) AS g`, [ROWS]);
    await sql(`ANALYZE`);
  });

  const scenarios: Scenario[] = [];
  // Floors first and last on a warm table: the figures compare like with like.
  const floor = await readFloor();
  const loader = await naiveLoader();
  scenarios.push(floor, loader);
  for (const store of STATE_STORES) scenarios.push(...(await productScenarios(store)));
  const floorAgain = await readFloor();
  const loaderAgain = await naiveLoader();
  // The better of two measurements of each reference, so the ratios never flatter the product.
  floor.seconds = Math.min(floor.seconds, floorAgain.seconds);
  floor.rowsPerSecond = Math.round(floor.rows / floor.seconds);
  loader.seconds = Math.min(loader.seconds, loaderAgain.seconds);
  loader.rowsPerSecond = Math.round(loader.rows / loader.seconds);
  for (const s of scenarios) {
    const reference = s.id.startsWith("profile-first") ? loader : s.id.startsWith("profile-") ? floor : null;
    if (!reference) continue;
    s.baselineId = reference.id;
    s.ratioToBaseline = Number((s.seconds / reference.seconds).toFixed(2));
  }
  for (const s of scenarios) s.seconds = Number(s.seconds.toFixed(2));

  const cpu = cpus();
  const machine = `${cpu[0]?.model ?? "unknown CPU"} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
  const results = { machine, date: new Date().toISOString(), rows: ROWS, seedSeconds: Number(seeded.seconds.toFixed(1)), scenarios };
  writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nMachine: ${machine}`);
  console.log(`Source: PostgreSQL (${ROWS} rows, seeded in ${results.seedSeconds} s); destinations: simulators in a separate process over loopback HTTP`);
  console.log(`Naive loader: keyset read, ${LOADER_BATCH}-record POSTs, ${LOADER_IN_FLIGHT} in flight, no state\n`);
  console.table(scenarios.map(({ id, stateStore, seconds, rowsPerSecond, recordsSent, requests, peakRssMb, ratioToBaseline, baselineId, status }) => ({ id, stateStore, seconds, rowsPerSecond, recordsSent, requests, peakRssMb, ratioToBaseline, baselineId, status })));
  console.log("Wrote bench/results.json");
} finally {
  simProcess.kill("SIGTERM");
  await closeDb();
  for (const db of scratch) await db.drop().catch(() => {});
}

/**
 * npm run bench — the product's own benchmark, in one invocation: PostgreSQL source → CleverTap profiles
 * and Customer.io events, through the real services, runSyncRun and connectors, against the simulators in
 * their own process over HTTP, at 100k and at 1M rows; with the product's state in PostgreSQL (and, up to
 * BENCH_PGLITE_MAX_ROWS, in PGlite). Beside each size it measures a naive loader (cursor read, same
 * fields, 1000-record POSTs, same concurrency, no state) and the read floor (the table read alone).
 * Prints a table and writes bench/results.json; asserts nothing.
 *
 * Each (size, state store) runs its product scenarios in a fresh child process, so one scenario's peak
 * RSS is not an earlier one's leftover heap (PGlite's WebAssembly memory never shrinks).
 *
 *   BENCH_SIZES=100000,1000000 (default)   rows in the source tables (ids get a -100k / -1m suffix)
 *   BENCH_STATE=postgres,pglite            state stores to run the product scenarios with
 *   BENCH_PGLITE_MAX_ROWS=100000           PGlite state only up to this size (it is the slow, embedded store)
 *   TEST_PG_URL=postgres://…               a PostgreSQL server where scratch databases may be created
 *   BENCH_CPU_PROF=/some/dir               write a V8 CPU profile of each product worker there (where the time goes)
 *
 * customerio-events runs against the simulator's Track limit of 100 requests/s, which answers 429 beyond it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";

type StateStore = "postgres" | "pglite";

type Scenario = {
  id: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  recordsSent: number;
  requests: number;
  peakRssMb: number;
  stateStore: StateStore | null;
  /** seconds ÷ the reference's seconds: the naive loader for first runs, the read floor for no-change and 1% runs. */
  ratioToBaseline: number | null;
  baselineId: string | null;
  status?: string;
};

/** What a worker process is handed: one size, one state store, where the source and simulators are. */
type WorkerTask = { rows: number; suffix: string; store: StateStore; sourceUrl: string; clevertapUrl: string; customerioUrl: string; resultFile: string };

const LOADER_BATCH = 1000;
const LOADER_IN_FLIGHT = 4;
const PROFILE_COLUMNS = "user_id, email, username, plan, signed_up_at, score";
const PROFILE_MAPPINGS = [
  { from: { column: "email" }, to: "Email", type: "string" },
  { from: { column: "username" }, to: "Name", type: "string" },
  { from: { column: "plan" }, to: "Plan", type: "string" },
  { from: { column: "signed_up_at" }, to: "Signed Up", type: "date" },
  { from: { column: "score" }, to: "Score", type: "number" },
];

function suffixFor(rows: number): string {
  return rows >= 1_000_000 ? `-${rows / 1_000_000}m` : `-${Math.round(rows / 1000)}k`;
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

async function simStats(url: string, clevertapUrl: string): Promise<{ requests: number; records: number; rateLimited: number }> {
  const stats = (await (await fetch(`${url}/__sim/stats`)).json()) as Record<string, number>;
  return url === clevertapUrl
    ? { requests: stats.uploads ?? 0, records: stats.uploadedRecords ?? 0, rateLimited: stats.concurrencyRejections ?? 0 }
    : { requests: stats.batchRequests ?? stats.requests ?? 0, records: stats.batchItems ?? 0, rateLimited: stats.rateLimited ?? 0 };
}

async function sql(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// Worker: the product scenarios of one size and state store, in a process of their own.

async function runWorker(task: WorkerTask): Promise<void> {
  process.env.DATA_DIR = mkdtempSync(join(tmpdir(), "tidewater-bench-"));
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
  // The worker stands in for the server process, which applies the same policy at boot (instrumentation.ts).
  const { applyMemoryPolicy } = await import("~/server/lib/memory-policy");
  applyMemoryPolicy();
  const { createId } = await import("~/server/lib/ids");

  env.CLEVERTAP_API_BASE_URL = task.clevertapUrl;
  env.CUSTOMERIO_TRACK_BASE_URL = task.customerioUrl;
  env.CUSTOMERIO_APP_BASE_URL = task.customerioUrl;
  let stateDb: { drop(): Promise<void> } | null = null;
  if (task.store === "postgres") {
    const state = await createPostgresDatabase("bench_state");
    stateDb = state;
    const { factory, close } = await createAdapterFactory({ databaseUrl: state.url });
    await migrateDatabase(factory);
    await close();
    env.DATABASE_URL = state.url;
  } else {
    env.DATABASE_URL = undefined;
  }

  const productRun = async (p: { id: string; workspaceId: string; syncId: string; simUrl: string }): Promise<Scenario> => {
    const db = await getDb();
    const runId = createId("run");
    await db.syncRun.create({ data: { id: runId, workspaceId: p.workspaceId, syncId: p.syncId, trigger: "MANUAL" } });
    const before = await simStats(p.simUrl, task.clevertapUrl);
    const { peakRssMb, value } = await measure(() => runSyncRun({ runId, deps: createEngineDeps(), io: directIo }));
    const after = await simStats(p.simUrl, task.clevertapUrl);
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
      stateStore: task.store,
      ratioToBaseline: null,
      baselineId: null,
      // Pacing should keep the destination's limit from ever answering 429; the status says when it did not.
      status: after.rateLimited > before.rateLimited ? `${value.status} (${after.rateLimited - before.rateLimited} requests answered 429)` : value.status,
    };
  };

  try {
    await sql(task.sourceUrl, `UPDATE users SET plan = (ARRAY['free','pro','team'])[1 + user_id % 3] WHERE plan = 'enterprise'`);
    const user = await signUpUser({ email: `bench-${randomBytes(3).toString("hex")}@example.com`, password: "Bench-Password-1" });
    const actor = { userId: user.id, label: user.email };
    const ws = await createWorkspace({ userId: user.id, name: "Bench", actor });
    const src = await createConnection({ workspaceId: ws.id, name: "Warehouse", type: "postgres", config: { url: task.sourceUrl }, actor });
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
        mappings: PROFILE_MAPPINGS,
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
    /**
     * profile-1pct-watermark: the 1% run again, on a copy of the users table with an indexed updated_at, by
     * a sync that tracks it. Its first run skips the current rows (marks them seen and commits the
     * watermark), so only the incremental 1% run is measured: it should read about 1% of the rows.
     */
    const profileWatermarkRun = async (): Promise<Scenario> => {
      await sql(task.sourceUrl, `DROP TABLE IF EXISTS users_tracked`);
      // Written days ago, a minute apart: only the latest rows fall inside the look-back from the first watermark.
      await sql(task.sourceUrl, `CREATE TABLE users_tracked AS SELECT ${PROFILE_COLUMNS}, now() - interval '2 days' - (user_id || ' minutes')::interval AS updated_at FROM users`);
      await sql(task.sourceUrl, `ALTER TABLE users_tracked ADD PRIMARY KEY (user_id)`);
      await sql(task.sourceUrl, `CREATE INDEX users_tracked_updated_at ON users_tracked (updated_at)`);
      await sql(task.sourceUrl, `ANALYZE users_tracked`);
      const tracked = await createSync({
        workspaceId: ws.id,
        actor,
        definition: {
          name: "Users to CleverTap (change tracking)",
          sourceId: src.id,
          destinationId: ct.id,
          model: { type: "table", schema: "public", table: "users_tracked" },
          object: "profile",
          behavior: "upsert",
          syncKey: { column: "user_id", identifier: "identity" },
          mappings: PROFILE_MAPPINGS,
          initialSync: "skip",
          changeTracking: { column: "updated_at", lookbackMinutes: 15, fullCompareHours: 24 },
        },
      });
      await productRun({ id: "watermark-seed", workspaceId: ws.id, syncId: tracked.id, simUrl: task.clevertapUrl });
      // A plan no earlier scenario wrote, so every one of these rows is a real change.
      await sql(task.sourceUrl, `UPDATE users_tracked SET plan = 'tracked', updated_at = now() WHERE user_id % 100 = 0`);
      return productRun({ id: `profile-1pct-watermark${task.suffix}`, workspaceId: ws.id, syncId: tracked.id, simUrl: task.clevertapUrl });
    };
    const profileRun = (name: string) => productRun({ id: `${name}${task.suffix}`, workspaceId: ws.id, syncId: profiles.id, simUrl: task.clevertapUrl });
    /** The product scenarios, in order: each one's source changes before it, then its run. */
    const PRODUCT_SCENARIOS: { before?: () => Promise<unknown>; run: () => Promise<Scenario> }[] = [
      { run: () => profileRun("profile-first") },
      { run: () => profileRun("profile-nochange") },
      { before: () => sql(task.sourceUrl, `UPDATE users SET plan = 'enterprise' WHERE user_id % 100 = 0`), run: () => profileRun("profile-1pct") },
      { run: () => profileWatermarkRun() },
      { run: () => productRun({ id: `customerio-events${task.suffix}`, workspaceId: ws.id, syncId: events.id, simUrl: task.customerioUrl }) },
    ];
    const results: Scenario[] = [];
    for (const scenario of PRODUCT_SCENARIOS) {
      await scenario.before?.();
      results.push(await scenario.run());
    }
    writeFileSync(task.resultFile, JSON.stringify(results));
  } finally {
    await closeDb();
    await stateDb?.drop().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------------
// Main: simulators, sources, floors, loader, workers, the table.

async function runProductWorker(task: Omit<WorkerTask, "resultFile">): Promise<Scenario[]> {
  const resultFile = join(mkdtempSync(join(tmpdir(), "tidewater-bench-result-")), "scenarios.json");
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "--conditions=react-server", fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_WORKER: JSON.stringify({ ...task, resultFile }) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`The ${task.store} scenarios at ${task.rows} rows failed (exit code ${code})`);
  return JSON.parse(readFileSync(resultFile, "utf8")) as Scenario[];
}

async function runMain(): Promise<void> {
  process.env.LOG_LEVEL ??= "warn";
  // PostgreSQL state needs shared secrets; a benchmark run makes up its own, shared with its workers.
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
  process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  const { SIM_ACCOUNT_ID, SIM_PASSCODE } = await import("~/e2e/simulators/clevertap/server");
  const { createPostgresDatabase } = await import("~/server/testing/databases");
  const { clevertapConnector } = await import("~/server/connectors/clevertap");

  const sizes = (process.env.BENCH_SIZES ?? process.env.BENCH_ROWS ?? "100000,1000000").split(",").map((s) => Number(s.trim()));
  const stores = (process.env.BENCH_STATE ?? "postgres,pglite").split(",").map((s) => s.trim()) as StateStore[];
  const pgliteMaxRows = Number(process.env.BENCH_PGLITE_MAX_ROWS ?? 100_000);
  const simPort = Number(process.env.BENCH_SIM_PORT ?? 4910);

  // The destinations run in their own process, as real APIs would, so they do not share the engine's thread.
  const simProcess = spawn(process.execPath, ["--import", "tsx", "e2e/simulators/start.ts"], {
    // customerio-events is measured at Customer.io's Track limit: the simulator answers 429 beyond it.
    env: { ...process.env, CLEVERTAP_SIM_PORT: String(simPort), CUSTOMERIO_SIM_PORT: String(simPort + 1), GOOGLE_SHEETS_SIM_PORT: String(simPort + 2), CUSTOMERIO_SIM_TRACK_RATE_LIMIT: "100" },
    stdio: "ignore",
  });
  const clevertapUrl = `http://127.0.0.1:${simPort}`;
  const customerioUrl = `http://127.0.0.1:${simPort + 1}`;
  const scratch: { drop(): Promise<void> }[] = [];
  try {
    for (let attempt = 0; ; attempt++) {
      const up = await fetch(`${clevertapUrl}/__sim/stats`).then((r) => r.ok, () => false);
      if (up) break;
      if (attempt > 150) throw new Error(`The simulators did not start on port ${simPort}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    /** The read floor: the whole table through keyset pages on one connection, nothing else. */
    const readFloor = async (sourceUrl: string, suffix: string): Promise<Scenario> => {
      const client = new pg.Client({ connectionString: sourceUrl });
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
      return { id: `read-floor${suffix}`, rows: value, seconds, rowsPerSecond: Math.round(value / seconds), recordsSent: 0, requests: 0, peakRssMb, stateStore: null, ratioToBaseline: null, baselineId: null };
    };

    /** The naive loader: keyset read on one connection, the same fields, 1000-record POSTs, LOADER_IN_FLIGHT at once, no state. */
    const naiveLoader = async (sourceUrl: string, suffix: string): Promise<Scenario> => {
      const object = clevertapConnector.objects.find((o) => o.id === "profile")!;
      const config = clevertapConnector.configSchema.parse({ accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" });
      const { env } = await import("~/env.js");
      env.CLEVERTAP_API_BASE_URL = clevertapUrl;
      const before = await simStats(clevertapUrl, clevertapUrl);
      const client = new pg.Client({ connectionString: sourceUrl });
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
      const after = await simStats(clevertapUrl, clevertapUrl);
      return { id: `baseline${suffix}`, rows: value, seconds, rowsPerSecond: Math.round(value / seconds), recordsSent: after.records - before.records, requests: after.requests - before.requests, peakRssMb, stateStore: null, ratioToBaseline: null, baselineId: null };
    };

    const scenarios: Scenario[] = [];
    const seedSeconds: Record<string, number> = {};
    for (const rows of sizes) {
      const suffix = suffixFor(rows);
      const source = await createPostgresDatabase("bench");
      scratch.push(source);
      const seeded = await measure(async () => {
        await sql(source.url, `CREATE TABLE users (user_id bigint PRIMARY KEY, email text, username text, plan text, signed_up_at timestamptz, score numeric)`);
        await sql(
          source.url,
          `INSERT INTO users SELECT g, 'user' || g || '@example.com', 'User ' || g, (ARRAY['free','pro','team'])[1 + g % 3], now() - (g || ' minutes')::interval, g % 1000
           FROM generate_series(1, $1) AS g`,
          [rows],
        );
        await sql(source.url, `CREATE TABLE events (event_id bigint PRIMARY KEY, user_id text NOT NULL, amount numeric, at timestamptz NOT NULL)`);
        await sql(source.url, `INSERT INTO events SELECT g, 'u' || (g % 5000), g % 500, now() - (g || ' seconds')::interval FROM generate_series(1, $1) AS g`, [rows]);
        await sql(source.url, `VACUUM ANALYZE`);
      });
      seedSeconds[suffix.slice(1)] = Number(seeded.seconds.toFixed(1));

      // Floors first and last on a warm table: the figures compare like with like.
      const floor = await readFloor(source.url, suffix);
      const loader = await naiveLoader(source.url, suffix);
      const product: Scenario[] = [];
      for (const store of stores) {
        if (store === "pglite" && rows > pgliteMaxRows) continue;
        product.push(...(await runProductWorker({ rows, suffix, store, sourceUrl: source.url, clevertapUrl, customerioUrl })));
      }
      const floorAgain = await readFloor(source.url, suffix);
      const loaderAgain = await naiveLoader(source.url, suffix);
      // The better of two measurements of each reference, so the ratios never flatter the product.
      for (const [first, again] of [[floor, floorAgain], [loader, loaderAgain]] as const) {
        first.seconds = Math.min(first.seconds, again.seconds);
        first.rowsPerSecond = Math.round(first.rows / first.seconds);
        first.peakRssMb = Math.max(first.peakRssMb, again.peakRssMb);
      }
      for (const s of product) {
        const reference = s.id.startsWith("profile-first") ? loader : s.id.startsWith("profile-") ? floor : null;
        if (!reference) continue;
        s.baselineId = reference.id;
        s.ratioToBaseline = Number((s.seconds / reference.seconds).toFixed(2));
      }
      scenarios.push(floor, loader, ...product);
      await source.drop().catch(() => {});
      scratch.splice(scratch.indexOf(source), 1);
    }
    for (const s of scenarios) s.seconds = Number(s.seconds.toFixed(2));

    const cpu = cpus();
    const machine = `${cpu[0]?.model ?? "unknown CPU"} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
    const results = { machine, date: new Date().toISOString(), sizes, seedSeconds, scenarios };
    writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nMachine: ${machine}`);
    console.log(`Source: PostgreSQL (${sizes.join(" and ")} rows); destinations: simulators in a separate process over loopback HTTP`);
    console.log(`Naive loader: keyset read, ${LOADER_BATCH}-record POSTs, ${LOADER_IN_FLIGHT} in flight, no state\n`);
    console.table(
      scenarios.map(({ id, stateStore, seconds, rowsPerSecond, recordsSent, requests, peakRssMb, ratioToBaseline, baselineId, status }) => ({
        id,
        stateStore,
        seconds,
        rowsPerSecond,
        recordsSent,
        requests,
        peakRssMb,
        ratioToBaseline,
        baselineId,
        status,
      })),
    );
    console.log("Wrote bench/results.json");
  } finally {
    simProcess.kill("SIGTERM");
    for (const db of scratch) await db.drop().catch(() => {});
  }
}

const workerTask = process.env.BENCH_WORKER;
if (workerTask) await runWorker(JSON.parse(workerTask) as WorkerTask);
else await runMain();

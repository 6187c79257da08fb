/**
 * npm run bench — PostgreSQL → CleverTap profile sync throughput, through the real services, engine and
 * connectors, against the CleverTap simulator over HTTP. Prints the machine it ran on; asserts nothing.
 *
 *   BENCH_ROWS=100000 (default)   rows in the source table
 *   TEST_PG_URL=postgres://…      a PostgreSQL server where a scratch database may be created
 */
import { mkdtempSync } from "node:fs";
import { cpus, freemem, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import pg from "pg";

process.env.DATA_DIR ??= mkdtempSync(join(tmpdir(), "tidewater-bench-"));
process.env.LOG_LEVEL ??= "warn";

const { env } = await import("~/env.js");
const { SIM_ACCOUNT_ID, SIM_PASSCODE } = await import("~/e2e/simulators/clevertap/server");
const { createPostgresDatabase } = await import("~/server/testing/databases");
const { closeDb, getDb } = await import("~/server/db/client");
const { createWorkspace } = await import("~/server/services/workspaces/create-workspace");
const { signUpUser } = await import("~/server/services/users/sign-up-user");
const { createConnection } = await import("~/server/services/connections/create-connection");
const { createSync } = await import("~/server/services/syncs/create-sync");
const { directIo, runSyncRun } = await import("~/server/jobs/run-sync-run");
const { createEngineDeps } = await import("~/server/jobs/engine-deps");
const { createId } = await import("~/server/lib/ids");

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
// The destination runs in its own process, as a real API would, so it does not share the engine's thread.
const SIM_PORT = Number(process.env.BENCH_SIM_PORT ?? 4910);
const simProcess = spawn(process.execPath, ["--import", "tsx", "e2e/simulators/start.ts"], {
  env: { ...process.env, CLEVERTAP_SIM_PORT: String(SIM_PORT), CUSTOMERIO_SIM_PORT: String(SIM_PORT + 1), GOOGLE_SHEETS_SIM_PORT: String(SIM_PORT + 2) },
  stdio: "ignore",
});
const sim = { url: `http://127.0.0.1:${SIM_PORT}`, close: async () => void simProcess.kill("SIGTERM") };
for (let attempt = 0; ; attempt++) {
  const up = await fetch(`${sim.url}/__sim/stats`).then((r) => r.ok, () => false);
  if (up) break;
  if (attempt > 100) throw new Error(`The CleverTap simulator did not start on port ${SIM_PORT}`);
  await new Promise((r) => setTimeout(r, 200));
}
env.CLEVERTAP_API_BASE_URL = sim.url;
const source = await createPostgresDatabase("bench");

async function seed() {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  await client.query(`CREATE TABLE users (user_id bigint PRIMARY KEY, email text, username text, plan text, signed_up_at timestamptz, score numeric)`);
  await client.query(
    `INSERT INTO users SELECT g, 'user' || g || '@example.com', 'User ' || g, (ARRAY['free','pro','team'])[1 + g % 3], now() - (g || ' minutes')::interval, g % 1000
     FROM generate_series(1, $1) AS g`,
    [ROWS],
  );
  await client.end();
}

async function touch(fraction: number) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  const result = await client.query(`UPDATE users SET plan = 'enterprise' WHERE user_id % $1 = 0`, [Math.round(1 / fraction)]);
  await client.end();
  return result.rowCount ?? 0;
}

async function run(workspaceId: string, syncId: string, label: string) {
  const db = await getDb();
  const runId = createId("run");
  await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL" } });
  const started = performance.now();
  const { status } = await runSyncRun({ runId, deps: createEngineDeps(), io: directIo });
  const seconds = (performance.now() - started) / 1000;
  const r = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
  return { label, status, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(r.rowsRead / seconds), read: r.rowsRead, created: r.rowsCreated, updated: r.rowsUpdated, unchanged: r.rowsUnchanged, rejected: r.rowsRejected, invalid: r.rowsInvalid };
}

try {
  const seedStart = performance.now();
  await seed();
  const seedSeconds = ((performance.now() - seedStart) / 1000).toFixed(1);
  const user = await signUpUser({ email: `bench-${randomBytes(3).toString("hex")}@example.com`, password: "Bench-Password-1" });
  const actor = { userId: user.id, label: user.email };
  const ws = await createWorkspace({ userId: user.id, name: "Bench", actor });
  const src = await createConnection({ workspaceId: ws.id, name: "Warehouse", type: "postgres", config: { url: source.url }, actor });
  const dst = await createConnection({ workspaceId: ws.id, name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor });
  const sync = await createSync({
    workspaceId: ws.id,
    actor,
    definition: {
      name: "Users to CleverTap",
      sourceId: src.id,
      destinationId: dst.id,
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
  const results = [];
  results.push(await run(ws.id, sync.id, `first run (${ROWS} new rows)`));
  results.push(await run(ws.id, sync.id, "second run (no change)"));
  const changed = await touch(0.01);
  results.push(await run(ws.id, sync.id, `third run (${changed} rows changed)`));

  const cpu = cpus();
  console.log(`\nMachine: ${cpu[0]?.model ?? "unknown CPU"} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), ${platform()} ${release()}, Node ${process.version}`);
  console.log(`Product database: ${env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"}; source: PostgreSQL; destination: CleverTap simulator in a separate process over HTTP (loopback)`);
  console.log(`Seeded ${ROWS} rows in ${seedSeconds} s\n`);
  console.table(results);
  const accepted = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as Record<string, unknown>;
  console.log("Simulator:", JSON.stringify(accepted));
} finally {
  await sim.close();
  await closeDb();
  await source.drop();
}

/**
 * The resume guarantee under a real crash: the in-process runner runs in a child process against the
 * app database on the PostgreSQL server and a real PostgreSQL source, sends CleverTap events to the
 * simulator over HTTP (slowed, so batches are in flight), and is killed with SIGKILL. A runner started
 * afterwards takes the run over once its lease expires and finishes it. Every row arrives exactly once,
 * except the keys of the batches that were in flight, which the resumed run lists in its log.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { getDb } from "~/server/db/client";
import { createConnection } from "~/server/services/connections/create-connection";
import { requestSyncRun } from "~/server/services/sync-runs/request-sync-run";
import { createSync } from "~/server/services/syncs/create-sync";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { provisionPostgresAppDatabase } from "~/server/testing/app-database";
import { createPostgresDatabase } from "~/server/testing/databases";
import { createEngineDeps } from "~/server/jobs/engine-deps";
import { startLocalRunner, type LocalRunner } from "./local-runner";

const ROWS = 12_000;
const LEASE_MS = 3000;
const appDb = provisionPostgresAppDatabase("crash");
let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let sim: ClevertapSimulator;
let child: ChildProcess | undefined;
let runner: LocalRunner | undefined;
let fixture: { workspaceId: string; syncId: string };

beforeAll(async () => {
  source = await createPostgresDatabase("crash_src");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  await client.query(`CREATE TABLE purchases (purchase_id int PRIMARY KEY, user_key text NOT NULL, amount numeric NOT NULL)`);
  await client.query(`INSERT INTO purchases SELECT g, 'u' || g, g % 100 FROM generate_series(1, ${ROWS}) AS g`);
  await client.end();
  sim = await startClevertapSimulator();
  env.CLEVERTAP_API_BASE_URL = sim.url;

  const actor = { userId: null, label: "test" };
  const user = await signUpUser({ email: "runner-test@example.com", password: "Kill-Nine-Resume-42" });
  const ws = await createWorkspace({ userId: user.id, name: "Crash", actor });
  const src = await createConnection({ workspaceId: ws.id, name: "Warehouse", type: "postgres", config: { url: source.url }, actor });
  const ct = await createConnection({ workspaceId: ws.id, name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor });
  const sync = await createSync({
    workspaceId: ws.id,
    actor,
    definition: {
      name: "Purchases",
      sourceId: src.id,
      destinationId: ct.id,
      model: { type: "table", schema: "public", table: "purchases" },
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
      event: { name: { constant: "Charged" }, identityColumn: "user_key", identifier: "identity" },
    },
  });
  fixture = { workspaceId: ws.id, syncId: sync.id };
});

afterAll(async () => {
  child?.kill("SIGKILL");
  await runner?.stop();
  await sim?.close();
  await source?.drop();
});

function startRunnerProcess(): ChildProcess {
  const script = fileURLToPath(new URL("./testing/runner-process.ts", import.meta.url));
  return spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script], {
    env: { ...process.env, DATABASE_URL: appDb.url, CLEVERTAP_API_BASE_URL: sim.url, RUNNER_LEASE_MS: String(LEASE_MS), RUNNER_PAGE_SIZE: "100" },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 180_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Keys the run log lists as possibly sent twice. */
function listedKeys(messages: string[]): Set<string> {
  const keys = new Set<string>();
  for (const message of messages) {
    const match = /may have been sent twice(?: \(continued, from key \d+\))?: (.*)$/i.exec(message);
    if (match) for (const key of match[1]!.split(", ")) keys.add(key);
  }
  return keys;
}

describe("runner crash", () => {
  it("delivers every row once after a SIGKILL, except the listed keys of the batches in flight", { timeout: 300_000 }, async () => {
    // Slow answers keep several 1,000-record batches in flight at any moment.
    sim.store.faults = { latencyMs: 1500 };
    const { runId } = await requestSyncRun({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, trigger: "MANUAL" });
    child = startRunnerProcess();
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    await waitFor("the first batches to arrive", () => (sim.store.events.length >= 1000 ? true : undefined));
    child.kill("SIGKILL");
    await exited;
    const db = await getDb();
    const killed = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(killed.status).toBe("RUNNING");
    const unsettled = await db.syncSentBatch.findMany({ where: { runId } });
    expect(unsettled.length).toBeGreaterThan(0);
    const inFlight = new Set(unsettled.flatMap((b) => b.keys));

    sim.store.faults = {};
    runner = startLocalRunner({ deps: () => createEngineDeps({ pageSize: 100 }), leaseMs: LEASE_MS, pollMs: 100, scheduleTickMs: 0, cleanupEveryMs: 0 });
    runner.wake();
    const run = await waitFor("the resumed run to finish", async () => {
      const r = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } } } });
      return r.status === "RUNNING" || r.status === "QUEUED" ? undefined : r;
    });

    expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: ROWS, rowsCreated: ROWS });
    const listed = listedKeys(run.logs.map((l) => l.message));
    expect(listed).toEqual(inFlight);
    expect(await db.syncSentBatch.count({ where: { runId } })).toBe(0);

    const deliveries = new Map<string, number>();
    for (const event of sim.store.events) deliveries.set(event.identity!, (deliveries.get(event.identity!) ?? 0) + 1);
    const twice: string[] = [];
    for (let id = 1; id <= ROWS; id += 1) {
      const count = deliveries.get(`u${id}`) ?? 0;
      if (listed.has(String(id))) expect(count === 1 || count === 2, `key ${id} arrived ${count} times`).toBe(true);
      else expect(count, `key ${id} is not listed, yet arrived ${count} times`).toBe(1);
      if (count === 2) twice.push(String(id));
    }
    // The batches that were in flight when the runner died really were sent again.
    expect(twice.length).toBeGreaterThan(0);
    expect(deliveries.size).toBe(ROWS);
  });
});

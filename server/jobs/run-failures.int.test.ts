/**
 * Issue 9, item 4: a run fails on its first attempt, with the database's own words, when retrying
 * cannot help (a missing table, an invalid query, a refused login or privilege), and is retried with
 * backoff when it can (a serialization failure). Plus the row-count warnings a run stores for alerts.
 * A real PostgreSQL source, the product's services and runner deps, and the CleverTap simulator.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { closeDb, getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createConnection } from "~/server/services/connections/create-connection";
import { createSync } from "~/server/services/syncs/create-sync";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { createPostgresDatabase } from "~/server/testing/databases";
import { createEngineDeps } from "./engine-deps";
import { directIo, RunRetryError, runSyncRun } from "./run-sync-run";

const actor = { userId: null, label: "run failures test" };
let clevertap: { url: string; close(): Promise<void> };
let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let workspaceId: string;
let destinationId: string;
let sourceId: string;
const roles: string[] = [];

async function sql(text: string, url = source.url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A CleverTap profile sync of `model` (created against the working `people` table, then pointed at `model`). */
async function createPeopleSync(name: string, model?: unknown, connectionId = sourceId): Promise<string> {
  const sync = await createSync({
    workspaceId,
    actor,
    definition: {
      name,
      sourceId: connectionId,
      destinationId,
      schedule: { type: "manual" },
      model: { type: "table", schema: "public", table: "people" },
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_key", identifier: "identity" },
      mappings: [{ from: { column: "email" }, to: "Email", type: "string" }],
    },
  });
  if (model) await (await getDb()).sync.update({ where: { id: sync.id }, data: { model: model as object } });
  return sync.id;
}

/** One attempt of a run, the way a runner makes it; answers the run afterwards and the retry, if any. */
async function attempt(syncId: string, runId = createId("run")) {
  const db = await getDb();
  if (!(await db.syncRun.findUnique({ where: { id: runId } }))) await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL" } });
  let retry: RunRetryError | null = null;
  try {
    await runSyncRun({ runId, deps: createEngineDeps(), io: directIo });
  } catch (error) {
    if (!(error instanceof RunRetryError)) throw error;
    retry = error;
  }
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } } } });
  return { run, retry, messages: run.logs.map((l) => l.message) };
}

beforeAll(async () => {
  clevertap = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
  source = await createPostgresDatabase("runfail");
  await sql(`
    CREATE TABLE people (user_key text PRIMARY KEY, email text);
    INSERT INTO people SELECT 'u-' || lpad(g::text, 3, '0'), 'person' || g || '@example.com' FROM generate_series(1, 10) g;
    CREATE TABLE fault (serialization_failure boolean NOT NULL);
    INSERT INTO fault VALUES (true);
    -- Raises a real serialization failure (SQLSTATE 40001) while the flag is set: a read-only query cannot clear it itself.
    CREATE FUNCTION maybe_fail() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
    BEGIN
      IF (SELECT serialization_failure FROM fault) THEN
        RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '40001';
      END IF;
      RETURN true;
    END $$;
  `);
  const user = await signUpUser({ email: "run-failures@example.com", password: "Correct-Horse-42" });
  workspaceId = (await createWorkspace({ userId: user.id, name: "Run failures", actor })).id;
  sourceId = (await createConnection({ workspaceId, name: "Warehouse", type: "postgres", config: { url: source.url }, actor })).id;
  destinationId = (await createConnection({ workspaceId, name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor })).id;
});

afterAll(async () => {
  await clevertap?.close();
  await closeDb();
  await source?.drop();
  for (const role of roles) await sql(`DROP ROLE IF EXISTS "${role}"`, source.url.replace(/\/[^/]*$/, "/postgres")).catch(() => {});
});

describe("permanent source errors fail the run on its first attempt, with the database's message", () => {
  it.each([
    ["a missing table", { type: "table", schema: "public", table: "no_such_table" }, /relation "public\.no_such_table" does not exist|no_such_table/],
    ["a query that does not parse", { type: "sql", sql: "SELEC user_key, email FROM people" }, /syntax error at or near "SELEC"/],
    ["a column that does not exist", { type: "sql", sql: "SELECT user_key, email, no_such_column FROM people" }, /column "no_such_column" does not exist/],
  ])("%s", async (_label, model, message) => {
    const syncId = await createPeopleSync(`Broken ${createId("sync")}`, model);

    const { run, retry, messages } = await attempt(syncId);

    expect(retry).toBeNull();
    expect(run).toMatchObject({ status: "FAILED", attempt: 1, rowsRead: 0 });
    expect(run.error).toMatch(message);
    expect(messages.some((m) => m.startsWith("Attempt "))).toBe(false);
    expect(messages.at(-1)).toMatch(message);
  });

  it("a login that was revoked, and a privilege that was revoked", async () => {
    const role = `tw_reader_${Date.now().toString(36)}`;
    roles.push(role);
    await sql(`CREATE ROLE "${role}" LOGIN; GRANT SELECT ON people TO "${role}";`);
    const url = new URL(source.url);
    url.username = role;
    const reader = await createConnection({ workspaceId, name: `Reader ${role}`, type: "postgres", config: { url: url.toString() }, actor });
    const syncId = await createPeopleSync(`Reader ${role}`, undefined, reader.id);

    await sql(`REVOKE SELECT ON people FROM "${role}"`);
    const denied = await attempt(syncId);
    expect(denied.retry).toBeNull();
    expect(denied.run).toMatchObject({ status: "FAILED", attempt: 1 });
    expect(denied.run.error).toMatch(/permission denied for table people/);

    await sql(`ALTER ROLE "${role}" NOLOGIN`);
    const refused = await attempt(syncId);
    expect(refused.retry).toBeNull();
    expect(refused.run).toMatchObject({ status: "FAILED", attempt: 1 });
    expect(refused.run.error).toMatch(new RegExp(`${role}.*not permitted to log in`));
  });
});

describe("transient source errors are retried with backoff", () => {
  it("a serialization failure is retried from the last committed page, and the retry succeeds", async () => {
    await sql(`CREATE OR REPLACE VIEW people_flaky AS SELECT * FROM people WHERE maybe_fail()`);
    const syncId = await createPeopleSync("Flaky", { type: "table", schema: "public", table: "people_flaky" });
    await sql(`UPDATE fault SET serialization_failure = true`);

    const first = await attempt(syncId);
    expect(first.retry?.retryInMs).toBe(15_000);
    expect(first.run).toMatchObject({ status: "RUNNING", attempt: 2 });
    expect(first.messages).toContainEqual(expect.stringMatching(/^Attempt 1 of 3 failed: could not serialize access due to concurrent update\. Retrying in 15 s/));

    const second = await attempt(syncId, first.run.id);
    expect(second.retry?.retryInMs).toBe(30_000);
    expect(second.run).toMatchObject({ status: "RUNNING", attempt: 3 });

    await sql(`UPDATE fault SET serialization_failure = false`);
    const third = await attempt(syncId, first.run.id);
    expect(third.retry).toBeNull();
    expect(third.run).toMatchObject({ status: "SUCCEEDED", attempt: 3, rowsRead: 10, rowsCreated: 10, error: null });
  });
});

describe("row-count warnings", () => {
  it("warns when the model returns far fewer rows than the last successful run, and when it returns none", async () => {
    await sql(`CREATE TABLE shrinking (LIKE people); INSERT INTO shrinking SELECT * FROM people;`);
    const syncId = await createPeopleSync("Shrinking", { type: "table", schema: "public", table: "shrinking" });

    const full = await attempt(syncId);
    expect(full.run).toMatchObject({ status: "SUCCEEDED", rowsRead: 10, warnings: null });

    await sql(`DELETE FROM shrinking WHERE user_key > 'u-006'`);
    const fewer = await attempt(syncId);
    // 6 of 10 is above the 50% threshold: no warning.
    expect(fewer.run).toMatchObject({ status: "SUCCEEDED", rowsRead: 6, warnings: null });

    await sql(`DELETE FROM shrinking WHERE user_key > 'u-002'`);
    const drop = await attempt(syncId);
    expect(drop.run).toMatchObject({ status: "SUCCEEDED", rowsRead: 2 });
    expect(drop.run.warnings).toEqual([
      {
        code: "FEWER_ROWS",
        message: "The model returned 2 rows, 33% of the 6 the last successful run read: check the source table or query.",
        rowsRead: 2,
        previousRowsRead: 6,
        previousRunId: fewer.run.id,
      },
    ]);
    expect(drop.messages).toContain("The model returned 2 rows, 33% of the 6 the last successful run read: check the source table or query.");
    expect(drop.run.logs.find((l) => l.message.startsWith("The model returned 2 rows"))?.level).toBe("warn");

    await sql(`DELETE FROM shrinking`);
    const empty = await attempt(syncId);
    expect(empty.run).toMatchObject({ status: "SUCCEEDED", rowsRead: 0 });
    expect(empty.run.warnings).toEqual([expect.objectContaining({ code: "NO_ROWS", rowsRead: 0, previousRowsRead: 2, previousRunId: drop.run.id })]);
    expect(empty.messages).toContain("The model returned 0 rows (the last successful run read 2): check the source table or query.");
  });
});

/**
 * SQL models against a real PostgreSQL server, as an attacker writes them: every spelling goes through
 * each public method of the connector that runs a model, must be refused, and the database is re-read
 * afterwards (its tables, a row count, a sequence, the files a superuser could write) to prove nothing
 * changed. The session itself refuses a second statement, whatever the classifier said.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, TEST_PG_URL } from "~/server/testing/databases";
import { ReadOnlyViolationError } from "../errors";
import type { ModelQuery } from "../types";
import { type PostgresConfig, postgresConfigSchema, postgresConnector } from "./index";
import { withReadOnlySession } from "./session";

const FIXTURE_SQL = `
  CREATE SCHEMA crm;
  CREATE TABLE crm.customers (id int PRIMARY KEY, name text);
  INSERT INTO crm.customers VALUES (1, 'Al'), (2, 'Bo'), (3, 'Cy');
  CREATE SEQUENCE crm.counter;
`;

let db: { url: string; name: string; drop: () => Promise<void> };
let config: PostgresConfig;
/** A folder the server's own user may write to, so a file written by an attack would show up here. */
let filesDir: string;

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Everything an attack could have changed, read by a separate connection. */
async function readState() {
  return withAdmin(db.url, async (client) => {
    const tables = await client.query(
      "SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1",
    );
    const rows = await client.query("SELECT id, name FROM crm.customers ORDER BY id");
    const counter = await client.query("SELECT last_value::int AS v, is_called FROM crm.counter");
    const largeObjects = await client.query("SELECT count(*)::int AS n FROM pg_largeobject_metadata");
    return { tables: tables.rows.map((r) => r.name as string), rows: rows.rows, counter: counter.rows[0], largeObjects: largeObjects.rows[0], files: readdirSync(filesDir) };
  });
}

/** Every public method that runs a model: each must refuse. */
async function expectRefusedEverywhere(sql: string) {
  const model: ModelQuery = { type: "sql", sql };
  const attempts: [string, () => Promise<unknown>][] = [
    ["preview", () => postgresConnector.preview({ config, model, limit: 10 })],
    ["describeModel", () => postgresConnector.describeModel({ config, model })],
    ["countRows", () => postgresConnector.countRows({ config, model })],
    ["readPage", () => postgresConnector.readPage({ config, model, keyColumn: "x", limit: 10 })],
    ["readPage after", () => postgresConnector.readPage({ config, model, keyColumn: "x", limit: 10, after: 1 })],
    ["readNullKeyRows", () => postgresConnector.readNullKeyRows({ config, model, keyColumn: "x", limit: 10 })],
  ];
  for (const [method, attempt] of attempts) {
    const error = await attempt().then(() => undefined, (e: unknown) => e);
    expect(error, `${method}: ${sql}`).toBeInstanceOf(Error);
    expect((error as Error).message, `${method}: ${sql}`).toMatch(/^Models are read-only|^The query is not valid PostgreSQL/);
  }
}

beforeAll(async () => {
  db = await createPostgresDatabase("pgattack");
  await withAdmin(db.url, (client) => client.query(FIXTURE_SQL));
  const u = new URL(db.url);
  config = postgresConfigSchema.parse({ host: u.hostname, port: Number(u.port || 5432), database: db.name, user: decodeURIComponent(u.username), password: "trust" });
  filesDir = mkdtempSync(join(tmpdir(), "tw-pg-attack-"));
  chmodSync(filesDir, 0o777);
});

afterAll(async () => {
  await db?.drop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

describe("postgres SQL models are read-only because the server enforces it", () => {
  it("refuses every attack spelling through every method, and the database is unchanged", async () => {
    const before = await readState();
    const out = (name: string) => join(filesDir, name);
    const attacks = [
      // The issue's example: dollar quotes hide a ' from a naive tokenizer and close the wrapping subquery.
      "SELECT $a$'$a$ AS x) AS model; COMMIT; CREATE TABLE pwn_issue(i int); SELECT * FROM (SELECT $b$'$b$ AS y",
      "SELECT $tag$ $$ ' $tag$ AS x) AS model; COMMIT; CREATE TABLE pwn_tag(i int); SELECT * FROM (SELECT $t$'$t$ AS y",
      "SELECT E'\\'' AS x) AS model; COMMIT; CREATE TABLE pwn_e(i int); SELECT * FROM (SELECT E'\\'' AS y",
      "SELECT U&'\\0027' AS x) AS model; COMMIT; CREATE TABLE pwn_u(i int); SELECT * FROM (SELECT U&'\\0027' AS y",
      "SELECT 'a\\' AS x) AS model; COMMIT; CREATE TABLE pwn_backslash(i int); SELECT * FROM (SELECT ' AS y",
      "SELECT 1 AS x /* /* */ ) AS model; COMMIT; CREATE TABLE pwn_nested(i int); SELECT (1 /* */",
      "SELECT 1 AS x) AS model LIMIT 0; COMMIT; CREATE TABLE pwn_limit(i int); SELECT * FROM (SELECT 1 AS x",
      "SELECT ';' AS x; CREATE TABLE pwn_semicolon(i int)",
      "SELECT 1 AS x; COMMIT; INSERT INTO crm.customers VALUES (99, 'pwn')",
      "COMMIT; INSERT INTO crm.customers VALUES (98, 'pwn')",
      "BEGIN READ WRITE; INSERT INTO crm.customers VALUES (97, 'pwn'); COMMIT",
      "WITH w AS (INSERT INTO crm.customers VALUES (96, 'pwn') RETURNING id AS x) SELECT * FROM w",
      "WITH d AS (DELETE FROM crm.customers RETURNING id AS x) SELECT * FROM d",
      "WITH u AS (UPDATE crm.customers SET name = 'pwn' RETURNING id AS x) SELECT * FROM u",
      "SELECT * FROM (WITH m AS (MERGE INTO crm.customers c USING (SELECT 95 AS id) s ON c.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (95, 'pwn') RETURNING c.id) SELECT * FROM m) AS x",
      "SELECT id AS x INTO pwn_into FROM crm.customers",
      "SELECT id AS x FROM crm.customers FOR UPDATE",
      "SELECT id AS x FROM crm.customers FOR SHARE NOWAIT",
      "CREATE TABLE pwn_ctas AS SELECT 1 AS x",
      "EXPLAIN ANALYZE WITH w AS (INSERT INTO crm.customers VALUES (94, 'pwn') RETURNING 1) SELECT * FROM w",
      "DO $$ BEGIN CREATE TABLE pwn_do(i int); END $$",
      `COPY (SELECT 1) TO '${out("copy.txt")}'`,
      `SELECT lo_export(lo_from_bytea(0, 'pwn'), '${out("lo_export.txt")}') AS x`,
      "SELECT pg_terminate_backend(pg_backend_pid()) AS x",
      "SELECT set_config('transaction_read_only', 'off', true) AS x",
      "SELECT pg_read_file('/etc/passwd') AS x",
      "SELECT 1 AS x \\g",
      "SELECT 1 AS x \\; CREATE TABLE pwn_psql(i int)",
      "DROP TABLE crm.customers",
      "TRUNCATE crm.customers",
      "",
    ];
    for (const sql of attacks) await expectRefusedEverywhere(sql);
    expect(await readState()).toEqual(before);
  });

  it("writes hidden in functions are refused by the READ ONLY transaction itself", async () => {
    await withAdmin(db.url, (client) =>
      client.query("CREATE FUNCTION crm.sneaky() RETURNS int LANGUAGE sql AS $$ INSERT INTO crm.customers VALUES (90, 'pwn') RETURNING 1 $$"),
    );
    const before = await readState();
    for (const sql of ["SELECT crm.sneaky() AS x", "SELECT nextval('crm.counter') AS x", "SELECT setval('crm.counter', 42) AS x"]) {
      const error = await postgresConnector.preview({ config, model: { type: "sql", sql }, limit: 5 }).then(() => undefined, (e: unknown) => e);
      expect(error, sql).toBeInstanceOf(ReadOnlyViolationError);
      expect((error as Error).message, sql).toMatch(/^Models are read-only, and PostgreSQL refused this one: .*read-only transaction/);
    }
    // PostgreSQL lets a READ ONLY transaction create a large object; the session's ROLLBACK undoes it.
    const created = await postgresConnector.preview({ config, model: { type: "sql", sql: "SELECT lo_from_bytea(0, 'pwn')::text AS x" }, limit: 1 });
    expect(created.rows).toHaveLength(1);
    expect(await readState()).toEqual(before);
  });

  it("the session carries one statement per message: PostgreSQL refuses a second one, and nothing is committed", async () => {
    const before = await readState();
    for (const text of ["SELECT 1; SELECT 2", "SELECT 1; COMMIT; CREATE TABLE pwn_session(i int)", "COMMIT; INSERT INTO crm.customers VALUES (89, 'pwn')"]) {
      const error = await withReadOnlySession(config, { timeoutMs: 5_000 }, (query) => query(text)).then(() => undefined, (e: unknown) => e);
      expect(error, text).toBeInstanceOf(ReadOnlyViolationError);
      // PostgreSQL's own words, not ours: the extended protocol refused the text.
      expect((error as Error).message, text).toContain("cannot insert multiple commands into a prepared statement");
    }
    expect(await readState()).toEqual(before);
  });

  it("legitimate models still work: CTEs, window functions, ';' in strings, comments, dollar quotes, a trailing semicolon", async () => {
    const cases: [string, Record<string, unknown>[]][] = [
      ["WITH c AS (SELECT id, name FROM crm.customers) SELECT id, name FROM c WHERE id <= 2 ORDER BY id", [{ id: 1, name: "Al" }, { id: 2, name: "Bo" }]],
      ["SELECT id, row_number() OVER (ORDER BY id DESC)::int AS n FROM crm.customers ORDER BY id LIMIT 2", [{ id: 1, n: 3 }, { id: 2, n: 2 }]],
      ["SELECT 'a;b' AS s, $$c;d$$ AS t, $q$ ' $q$ AS u, E'e\\'f' AS v;", [{ s: "a;b", t: "c;d", u: " ' ", v: "e'f" }]],
      ["SELECT 1 AS x /* a /* nested */ comment; */ -- and a line comment;\n;", [{ x: 1 }]],
      ["SELECT 'héllo ✓' AS s; -- trailing", [{ s: "héllo ✓" }]],
      ["VALUES (1, 'x')", [{ column1: 1, column2: "x" }]],
    ];
    for (const [sql, rows] of cases) {
      const result = await postgresConnector.preview({ config, model: { type: "sql", sql }, limit: 10 });
      expect(result.rows, sql).toEqual(rows);
    }
    // A trailing line comment cannot swallow the LIMIT the connector adds.
    const limited = await postgresConnector.preview({ config, model: { type: "sql", sql: "SELECT id FROM crm.customers -- LIMIT is ours" }, limit: 2 });
    expect(limited.rows).toHaveLength(2);
    const page = await postgresConnector.readPage({ config, model: { type: "sql", sql: "SELECT id, name FROM crm.customers;" }, keyColumn: "id", limit: 2, after: 2 });
    expect(page.map((r) => r.id)).toEqual([2, 3]);
    expect(await postgresConnector.countRows({ config, model: { type: "sql", sql: "SELECT * FROM crm.customers -- all" } })).toBe(3);
  });

  it("the server reads backslashes in strings as the parser did, even where the database's default says otherwise", async () => {
    await withAdmin(db.url, (client) => client.query(`ALTER DATABASE "${db.name}" SET standard_conforming_strings = off`));
    try {
      const result = await postgresConnector.preview({ config, model: { type: "sql", sql: "SELECT 'a\\' AS s" }, limit: 1 });
      expect(result.rows).toEqual([{ s: "a\\" }]);
    } finally {
      await withAdmin(db.url, (client) => client.query(`ALTER DATABASE "${db.name}" RESET standard_conforming_strings`));
    }
  });
});

describe("postgres connection Test reports the user's rights", () => {
  const suffix = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const reader = `tw_reader_${suffix}`;
  const writer = `tw_writer_${suffix}`;

  afterAll(async () => {
    await withAdmin(db.url, async (client) => {
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA crm FROM ${writer}, ${reader}`).catch(() => undefined);
      await client.query(`REVOKE ALL ON SCHEMA crm FROM ${writer}, ${reader}`).catch(() => undefined);
    });
    await withAdmin(TEST_PG_URL, async (client) => {
      await client.query(`DROP ROLE IF EXISTS ${reader}`);
      await client.query(`DROP ROLE IF EXISTS ${writer}`);
    });
  });

  it("warns about a superuser, and about a user that may write a table, with the statements for a read-only user", async () => {
    await withAdmin(TEST_PG_URL, async (client) => {
      await client.query(`CREATE ROLE ${reader} LOGIN`);
      await client.query(`GRANT pg_read_all_data TO ${reader}`);
      await client.query(`CREATE ROLE ${writer} LOGIN`);
    });
    await withAdmin(db.url, async (client) => {
      await client.query(`GRANT USAGE ON SCHEMA crm TO ${writer}`);
      await client.query(`GRANT SELECT, INSERT ON crm.customers TO ${writer}`);
    });

    const superuser = await postgresConnector.check({ config });
    expect(superuser.ok).toBe(true);
    expect(superuser.warning).toMatch(/^User "postgres" is a superuser/);
    expect(superuser.warning).toContain("\nCREATE ROLE tidewater_reader LOGIN PASSWORD '…'; GRANT pg_read_all_data TO tidewater_reader;");

    const writing = await postgresConnector.check({ config: { ...config, user: writer } });
    expect(writing.ok).toBe(true);
    expect(writing.warning).toMatch(new RegExp(`^User "${writer}" may change 1 table \\(crm\\.customers\\)`));

    const readOnly = await postgresConnector.check({ config: { ...config, user: reader } });
    expect(readOnly).toEqual({ ok: true, message: expect.stringContaining(`as user "${reader}"`) });
    expect(readOnly.warning).toBeUndefined();
    // The recommended user reads the data.
    const rows = await postgresConnector.preview({ config: { ...config, user: reader }, model: { type: "table", schema: "crm", table: "customers" }, limit: 5 });
    expect(rows.rows).toHaveLength(3);
  });
});

/**
 * SQL models against the real MariaDB server on this machine, as an attacker writes them: every
 * spelling goes through each public method of the connector that runs a model, must be refused, and
 * afterwards the database is re-read and the folder the server could write files to is listed, to
 * prove nothing changed. A control shows the server's user really can write a file there.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase, TEST_MYSQL_URL } from "~/server/testing/databases";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import type { ModelQuery } from "../types";
import { type MysqlConfig, mysqlConfigSchema, mysqlConnector } from "./index";
import { withReadOnlySession } from "./session";

let db: { url: string; name: string; drop: () => Promise<void> };
let config: MysqlConfig;
/** Where INTO OUTFILE would land: writable by the server's own user. */
let filesDir: string;

async function withAdmin<T>(url: string, work: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(url);
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

async function readState() {
  return withAdmin(db.url, async (c) => {
    const [tables] = await c.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1");
    const [rows] = await c.query("SELECT id, name FROM customers ORDER BY id");
    return { tables: (tables as { name: string }[]).map((t) => t.name), rows, files: readdirSync(filesDir) };
  });
}

async function expectRefusedEverywhere(sql: string) {
  const model: ModelQuery = { type: "sql", sql };
  const attempts: [string, () => Promise<unknown>][] = [
    ["preview", () => mysqlConnector.preview({ config, model, limit: 10 })],
    ["describeModel", () => mysqlConnector.describeModel({ config, model })],
    ["countRows", () => mysqlConnector.countRows({ config, model })],
    ["readPage", () => mysqlConnector.readPage({ config, model, keyColumn: "x", limit: 10 })],
    ["readPage after", () => mysqlConnector.readPage({ config, model, keyColumn: "x", limit: 10, after: "1" })],
    ["readNullKeyRows", () => mysqlConnector.readNullKeyRows({ config, model, keyColumn: "x", limit: 10 })],
  ];
  for (const [method, attempt] of attempts) {
    const error = await attempt().then(() => undefined, (e: unknown) => e);
    expect(error, `${method}: ${sql}`).toBeInstanceOf(ReadOnlyViolationError);
    expect((error as Error).message, `${method}: ${sql}`).toMatch(/^Models are read-only: /);
  }
}

beforeAll(async () => {
  db = await createMysqlDatabase("myattack");
  await withAdmin(db.url, async (c) => {
    await c.query("CREATE TABLE customers (id int PRIMARY KEY, name varchar(20))");
    await c.query("INSERT INTO customers VALUES (1, 'Al'), (2, 'Bo'), (3, 'Cy')");
  });
  const u = new URL(db.url);
  config = mysqlConfigSchema.parse({
    host: u.hostname,
    port: Number(u.port || 3306),
    database: db.name,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password) || undefined,
  });
  filesDir = mkdtempSync(join(tmpdir(), "tw-my-attack-"));
  chmodSync(filesDir, 0o777);
});

afterAll(async () => {
  await db?.drop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

describe("mysql SQL models are read-only because the server enforces it", () => {
  it("control: the server's user can write a file into the folder the attacks aim at", async () => {
    const control = join(filesDir, "control.txt");
    await withAdmin(db.url, (c) => c.query(`SELECT 1 INTO OUTFILE '${control}'`));
    expect(existsSync(control)).toBe(true);
    rmSync(control);
  });

  it("refuses every attack spelling through every method; no table, row or file appears", async () => {
    const before = await readState();
    const out = (name: string) => join(filesDir, name);
    const attacks = [
      // The example: close the wrapping subquery, write a file, and '#' drops the LIMIT.
      `SELECT 1 AS x) AS model INTO OUTFILE '${out("issue.txt")}' #`,
      `SELECT * FROM customers INTO OUTFILE '${out("plain.txt")}'`,
      `SELECT id AS x FROM customers INTO DUMPFILE '${out("dump.bin")}'`,
      `SELECT 1 AS x UNION SELECT 2 INTO OUTFILE '${out("union.txt")}'`,
      `WITH c AS (SELECT id AS x FROM customers) SELECT * FROM c INTO OUTFILE '${out("cte.txt")}'`,
      `SELECT 1 AS x /*! INTO OUTFILE '${out("exec.txt")}' */`,
      `SELECT 1 AS x /*!50000 INTO OUTFILE '${out("exec-versioned.txt")}' */`,
      `SELECT 1 AS x /*M!100000 INTO OUTFILE '${out("exec-mariadb.txt")}' */`,
      `SELECT 1 AS x /*! ) AS model INTO OUTFILE '${out("exec-close.txt")}' -- */`,
      // The parser would take '--x' for a comment; MySQL reads minus minus x, then the INTO.
      `SELECT 1 AS x --x\nINTO OUTFILE '${out("dashdash.txt")}'`,
      `SELECT 1 AS x #) AS model INTO OUTFILE '${out("hash.txt")}'\n) AS model INTO OUTFILE '${out("hash2.txt")}' #`,
      "SELECT id AS x FROM customers INTO @stolen",
      "SELECT id AS x FROM customers FOR UPDATE",
      "SELECT id AS x FROM customers LOCK IN SHARE MODE",
      "SELECT ';' AS x; DROP TABLE customers",
      "SELECT 1 AS x; COMMIT; INSERT INTO customers VALUES (99, 'pwn')",
      "COMMIT; INSERT INTO customers VALUES (98, 'pwn')",
      "SELECT 1 AS x) AS model; COMMIT; CREATE TABLE pwn_close(i int); SELECT * FROM (SELECT 1 AS x",
      "SELECT 1 AS x \\g INSERT INTO customers VALUES (97, 'pwn')",
      "INSERT INTO customers VALUES (96, 'pwn')",
      "REPLACE INTO customers VALUES (1, 'pwn')",
      "UPDATE customers SET name = 'pwn'",
      "DELETE FROM customers",
      "CREATE TABLE pwn_ctas AS SELECT 1 AS x",
      "DROP TABLE customers",
      "SET GLOBAL max_connections = 1",
      "SELECT LOAD_FILE('/etc/passwd') AS x",
      "SELECT sys_exec('touch /tmp/pwn') AS x",
      "   ",
    ];
    for (const sql of attacks) await expectRefusedEverywhere(sql);
    expect(await readState()).toEqual(before);
  });

  it("writes hidden in a function are refused by the READ ONLY transaction itself", async () => {
    await withAdmin(db.url, (c) => c.query("CREATE FUNCTION sneaky() RETURNS int MODIFIES SQL DATA BEGIN INSERT INTO customers VALUES (90, 'pwn'); RETURN 1; END"));
    const before = await readState();
    const error = await mysqlConnector.preview({ config, model: { type: "sql", sql: "SELECT sneaky() AS x" }, limit: 5 }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyViolationError);
    expect((error as Error).message).toMatch(/^Models are read-only, and the database refused this one: .*READ ONLY transaction/);
    expect(await readState()).toEqual(before);
  });

  it("the session carries one statement per request: MariaDB refuses a second one, and nothing is committed", async () => {
    const before = await readState();
    for (const sql of ["SELECT 1; SELECT 2", "SELECT 1; COMMIT; CREATE TABLE pwn_session(i int)", "COMMIT; INSERT INTO customers VALUES (89, 'pwn')"]) {
      const error = await withReadOnlySession(config, { timeoutMs: 5_000 }, (query) => query(sql)).then(() => undefined, (e: unknown) => e);
      // MariaDB's own words: without the multi-statement capability the second statement is a syntax error.
      expect(error, sql).toBeInstanceOf(SourceQueryError);
      expect((error as Error).message, sql).toMatch(/You have an error in your SQL syntax/);
    }
    expect(await readState()).toEqual(before);
  });

  it("legitimate models still work: CTEs, window functions, ';' and '#' in strings, comments, a trailing semicolon", async () => {
    const cases: [string, Record<string, unknown>[]][] = [
      ["WITH c AS (SELECT id, name FROM customers) SELECT id, name FROM c WHERE id <= 2 ORDER BY id", [{ id: 1, name: "Al" }, { id: 2, name: "Bo" }]],
      ["SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS n FROM customers ORDER BY id LIMIT 2", [{ id: 1, n: 3 }, { id: 2, n: 2 }]],
      ["SELECT 'a;b' AS s, '#1' AS h, 'it''s' AS q, \"x;y\" AS d, 'e\\'f' AS b;", [{ s: "a;b", h: "#1", q: "it's", d: "x;y", b: "e'f" }]],
      ["SELECT 1 AS x /* a; comment */ # another;\n; -- done", [{ x: 1 }]],
      // Backslash escapes as the server reads them: all of this is one string, not a second statement.
      ["SELECT 'x\\'; DROP TABLE customers; -- ' AS s", [{ s: "x'; DROP TABLE customers; -- " }]],
      ["SELECT 'a\\' AS x) AS model; CREATE TABLE pwn_backslash(i int); SELECT (' AS y", [{ y: "a' AS x) AS model; CREATE TABLE pwn_backslash(i int); SELECT (" }]],
    ];
    for (const [sql, rows] of cases) {
      const result = await mysqlConnector.preview({ config, model: { type: "sql", sql }, limit: 10 });
      expect(result.rows, sql).toEqual(rows);
    }
    // A trailing '#' or '-- ' comment cannot swallow the LIMIT the connector adds.
    for (const sql of ["SELECT id FROM customers # LIMIT is ours", "SELECT id FROM customers -- LIMIT is ours"]) {
      expect((await mysqlConnector.preview({ config, model: { type: "sql", sql }, limit: 2 })).rows, sql).toHaveLength(2);
    }
    const page = await mysqlConnector.readPage({ config, model: { type: "sql", sql: "SELECT id, name FROM customers;" }, keyColumn: "id", limit: 2, after: 2 });
    expect(page.map((r) => r.id)).toEqual([2, 3]);
    expect(await mysqlConnector.countRows({ config, model: { type: "sql", sql: "SELECT * FROM customers # all" } })).toBe(3);
    expect(await readState()).toMatchObject({ tables: ["customers"] });
  });
});

describe("mysql connection Test reports the user's rights", () => {
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const reader = `tw_r_${suffix}`;
  const writer = `tw_w_${suffix}`;

  afterAll(async () => {
    await withAdmin(TEST_MYSQL_URL, async (c) => {
      await c.query(`DROP USER IF EXISTS '${reader}'@'%', '${writer}'@'%'`);
    });
  });

  it("warns about FILE and write grants with the statements for a read-only user, and not about SELECT only", async () => {
    await withAdmin(TEST_MYSQL_URL, async (c) => {
      await c.query(`CREATE USER '${reader}'@'%' IDENTIFIED BY 'reader-pw-1'`);
      await c.query(`GRANT SELECT ON \`${db.name}\`.* TO '${reader}'@'%'`);
      await c.query(`CREATE USER '${writer}'@'%' IDENTIFIED BY 'writer-pw-1'`);
      await c.query(`GRANT SELECT, INSERT ON \`${db.name}\`.customers TO '${writer}'@'%'`);
    });

    const root = await mysqlConnector.check({ config });
    expect(root.ok).toBe(true);
    expect(root.warning).toMatch(/^User root@\S+ holds .*FILE.* on the whole server/);
    expect(root.warning).toContain(`\nCREATE USER 'tidewater_reader'@'%' IDENTIFIED BY '…'; GRANT SELECT ON \`${db.name}\`.* TO 'tidewater_reader'@'%';`);

    const writing = await mysqlConnector.check({ config: { ...config, user: writer, password: "writer-pw-1" } });
    expect(writing.ok, writing.message).toBe(true);
    expect(writing.warning).toMatch(new RegExp(`^User ${writer}@% holds INSERT on ${db.name}\\.customers`));

    const readOnly = await mysqlConnector.check({ config: { ...config, user: reader, password: "reader-pw-1" } });
    expect(readOnly).toEqual({ ok: true, message: expect.stringContaining(`as ${reader}@%`) });
    const rows = await mysqlConnector.preview({ config: { ...config, user: reader, password: "reader-pw-1" }, model: { type: "table", schema: db.name, table: "customers" }, limit: 5 });
    expect(rows.rows).toHaveLength(3);
  });
});

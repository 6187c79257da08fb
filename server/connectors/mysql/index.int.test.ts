import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMysqlDatabase } from "~/server/testing/databases";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { describeSourceContract } from "../testing/source-contract";
import { type MysqlConfig, mysqlConfigSchema, mysqlConnector, mysqlTimeouts } from "./index";

const FIXTURE_SQL = [
  `CREATE TABLE customers (
     id bigint,
     name varchar(50),
     active boolean,
     signed_up_at datetime,
     balance decimal(10, 2),
     tier enum('free', 'pro'),
     note text
   )`,
  `INSERT INTO customers VALUES
     (1000, 'Dee', true, '2024-03-01 10:00:00', 10.50, 'pro', 'x'),
     (2, 'Bo', false, '2024-01-02 00:00:00', 0, 'free', NULL),
     (10, 'Cy', NULL, NULL, -3.25, NULL, NULL),
     (1, 'Al', true, '2023-12-31 23:59:59', 99999999.99, 'pro', NULL),
     (100, 'Ed', true, '2024-02-29 12:00:00', 1, 'free', NULL),
     (20, 'Fa', false, '2024-05-05 05:05:05', 2, 'free', NULL),
     (3, 'Gi', true, '2024-06-01 00:00:00', 3, 'pro', NULL),
     (NULL, 'No key 1', true, NULL, NULL, NULL, NULL),
     (NULL, 'No key 2', false, NULL, NULL, NULL, NULL)`,
  `CREATE TABLE big_keys (id bigint unsigned, amount decimal(30, 10))`,
  `INSERT INTO big_keys VALUES (9007199254740991, 0.5), (9007199254740992, 1.5), (9007199254740993, 1.25), (9007199254740994, 1.125), (18446744073709551615, 2)`,
  `CREATE FUNCTION sneaky_delete() RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM customers; RETURN 1; END`,
];

function configFor(url: string, overrides: Partial<MysqlConfig> = {}): MysqlConfig {
  const u = new URL(url);
  return mysqlConfigSchema.parse({
    host: u.hostname,
    port: Number(u.port || 3306),
    database: u.pathname.slice(1),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password) || undefined,
    ...overrides,
  });
}

async function createFixture(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const db = await createMysqlDatabase("mysrc");
  const connection = await mysql.createConnection(db.url);
  for (const sql of FIXTURE_SQL) await connection.query(sql);
  await connection.end();
  return db;
}

describeSourceContract("mysql", async () => {
  const db = await createFixture();
  return {
    connector: mysqlConnector,
    config: configFor(db.url),
    // The test server's root has no password: sending one is refused.
    badConfig: configFor(db.url, { password: "hunter2-secret" }),
    badConfigMessage: /rejected the user name or password for user root/,
    table: { schema: db.name, table: "customers" },
    changeColumn: "signed_up_at",
    keyColumn: "id",
    expectedKeys: [1, 2, 3, 10, 20, 100, 1000],
    nullKeyCount: 2,
    supportsSql: true,
    columnTypes: { id: "number", name: "string", active: "boolean", signed_up_at: "date", balance: "number", tier: "string", note: "string" },
    teardown: db.drop,
  };
});

describe("mysql connector", () => {
  let db: { url: string; name: string; drop: () => Promise<void> };
  let config: MysqlConfig;

  beforeAll(async () => {
    db = await createFixture();
    config = configFor(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function countCustomers(): Promise<number> {
    const connection = await mysql.createConnection(db.url);
    const [rows] = await connection.query("SELECT COUNT(*) AS n FROM customers");
    await connection.end();
    return Number((rows as { n: number }[])[0]?.n);
  }

  it("requires host, database and user", () => {
    const result = mysqlConfigSchema.safeParse({});
    expect(result.error?.issues.map((i) => i.path[0])).toEqual(["host", "database", "user"]);
    expect(mysqlConfigSchema.parse({ host: "h", database: "d", user: "u" })).toMatchObject({ port: 3306, ssl: false });
  });

  it("names an unreachable host and a missing database", async () => {
    expect(await mysqlConnector.check({ config: configFor(db.url, { port: 1 }) })).toEqual({
      ok: false,
      message: "Could not connect to 127.0.0.1:1: connection refused (is the server running and listening on this port?).",
    });
    expect(await mysqlConnector.check({ config: configFor(db.url, { database: "no_such_db_xyz" }) })).toEqual({
      ok: false,
      message: `The database "no_such_db_xyz" does not exist on ${config.host}:${config.port}.`,
    });
  });

  it("reports the server it reached", async () => {
    const result = await mysqlConnector.check({ config });
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(new RegExp(`^Connected to (MariaDB|MySQL) [\\d.]+ at ${config.host.replace(/\./g, "\\.")}:${config.port}, database "${db.name}"`));
  });

  it("returns values with their JavaScript types", async () => {
    const [row] = await mysqlConnector.readPage({ config, model: { type: "table", schema: db.name, table: "customers" }, keyColumn: "id", limit: 1, after: 1000 });
    expect(row).toEqual({
      id: 1000,
      name: "Dee",
      active: true,
      signed_up_at: new Date("2024-03-01T10:00:00Z"),
      balance: "10.50",
      tier: "pro",
      note: "x",
    });
  });

  it("maps native types of a SQL model", async () => {
    const columns = await mysqlConnector.describeModel({
      config,
      model: {
        type: "sql",
        sql: "select id, cast(1.5 as double) as d, cast('2024-01-01' as date) as day, now() as ts, json_object('a', 1) as j, cast('x' as binary) as b, cast(1 as unsigned) as u from customers",
      },
    });
    expect(columns.map((c) => [c.name, c.type, c.nativeType])).toEqual([
      ["id", "number", "bigint"],
      ["d", "number", "double"],
      ["day", "date", "date"],
      ["ts", "date", "datetime"],
      ["j", "json", "json"],
      ["b", "unknown", "varbinary"],
      ["u", "number", "int"],
    ]);
  });

  it("pages integer keys beyond 2^53 and decimal keys exactly", async () => {
    const model = { type: "table", schema: db.name, table: "big_keys" } as const;
    const all = await mysqlConnector.readPage({ config, model, keyColumn: "id", limit: 10 });
    expect(all.map((r) => r.id)).toEqual([9007199254740991, "9007199254740992", "9007199254740993", "9007199254740994", "18446744073709551615"]);
    const fromMiddle = await mysqlConnector.readPage({ config, model, keyColumn: "id", limit: 10, after: "9007199254740993" });
    expect(fromMiddle.map((r) => r.id)).toEqual(["9007199254740993", "9007199254740994", "18446744073709551615"]);
    const fromLast = await mysqlConnector.readPage({ config, model, keyColumn: "id", limit: 10, after: "18446744073709551615" });
    expect(fromLast.map((r) => r.id)).toEqual(["18446744073709551615"]);
    const byAmount = await mysqlConnector.readPage({ config, model, keyColumn: "amount", limit: 10, after: "1.2500000000" });
    expect(byAmount.map((r) => r.amount)).toEqual(["1.2500000000", "1.5000000000", "2.0000000000"]);
  });

  it("text keys that look like numbers keep string order", async () => {
    const model = { type: "sql", sql: "select '9' as code union all select '10' union all select '100'" } as const;
    const rows = await mysqlConnector.readPage({ config, model, keyColumn: "code", limit: 10, after: "10" });
    expect(rows.map((r) => r.code)).toEqual(["10", "100", "9"]);
  });

  it("the database itself refuses writes that slip past the SQL check", async () => {
    const before = await countCustomers();
    const error = await mysqlConnector
      .preview({ config, model: { type: "sql", sql: "select sneaky_delete() as x" }, limit: 5 })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyViolationError);
    expect((error as Error).message).toMatch(/READ ONLY transaction/i);
    expect(await countCustomers()).toBe(before);
  });

  it("cancels a query at the statement time limit", async () => {
    const saved = { ...mysqlTimeouts };
    mysqlTimeouts.interactiveMs = 300;
    mysqlTimeouts.pageMs = 300;
    try {
      // A query that does real work; SLEEP() is interrupted silently instead of failing.
      const slow = {
        type: "sql",
        sql: "select count(*) as id from information_schema.COLUMNS a, information_schema.COLUMNS b, information_schema.COLUMNS c",
      } as const;
      const started = Date.now();
      const error = await mysqlConnector.preview({ config, model: slow, limit: 1 }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SourceQueryError);
      expect((error as Error).message).toBe("The query ran longer than 0.3 s and was cancelled (statement time limit).");
      expect(await mysqlConnector.countRows({ config, model: slow })).toBeNull();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      Object.assign(mysqlTimeouts, saved);
    }
  });

  it("an aborted read stops the query on the server", async () => {
    const controller = new AbortController();
    const slow = { type: "sql", sql: "select sleep(20) as id" } as const;
    const started = Date.now();
    const pending = mysqlConnector.readPage({ config, model: slow, keyColumn: "id", limit: 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("run cancelled")), 300);
    await expect(pending).rejects.toThrow("run cancelled");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { describeSourceContract } from "../testing/source-contract";
import { type DuckdbConfig, duckdbConfigSchema, duckdbConnector, duckdbTimeouts } from "./index";

const EXPECTED_KEYS = [1, 2, 3, 10, 20, 100, 1000];
const COLUMN_TYPES = { id: "number", name: "string", active: "boolean", signed_up_at: "date", balance: "number" } as const;

/**
 * A workspace's file folder holding warehouse.duckdb (made by DuckDB), customers.csv and two Parquet
 * parts, all from the same rows. Configs name files relative to it, as users do.
 */
async function createFixtureFolder(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "duckdb-src-"));
  const instance = await DuckDBInstance.create(join(dir, "warehouse.duckdb"));
  const connection = await instance.connect();
  await connection.run(`
    CREATE SCHEMA crm;
    CREATE TABLE crm.customers (id BIGINT, name VARCHAR, active BOOLEAN, signed_up_at TIMESTAMP, balance DECIMAL(10, 2));
    INSERT INTO crm.customers VALUES
      (1000, 'Dee', true, '2024-03-01 10:00:00', 10.50),
      (2, 'Bo', false, '2024-01-02 00:00:00', 0),
      (10, 'Cy', NULL, NULL, -3.25),
      (1, 'Al', true, '2023-12-31 23:59:59', 99999999.99),
      (100, 'Ed', true, '2024-02-29 12:00:00', 1),
      (20, 'Fa', false, '2024-05-05 05:05:05', 2),
      (3, 'Gi', true, '2024-06-01 00:00:00', 3),
      (NULL, 'No key 1', true, NULL, NULL),
      (NULL, 'No key 2', false, NULL, NULL);
    CREATE SEQUENCE crm.counter;
    CREATE VIEW crm.active_customers AS SELECT * FROM crm.customers WHERE active;
    COPY crm.customers TO '${join(dir, "customers.csv")}' (HEADER);
    COPY (SELECT * FROM crm.customers WHERE id < 20 OR id IS NULL) TO '${join(dir, "part-1.parquet")}' (FORMAT parquet);
    COPY (SELECT * FROM crm.customers WHERE id >= 20) TO '${join(dir, "part-2.parquet")}' (FORMAT parquet);
  `);
  connection.closeSync();
  instance.closeSync();
  await writeFile(join(dir, "private.csv"), "secret\nnot for models\n");
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describeSourceContract("duckdb database file", async () => {
  const { dir, remove } = await createFixtureFolder();
  return {
    connector: duckdbConnector,
    config: { mode: "database", path: "warehouse.duckdb", fileRoot: dir },
    badConfig: { mode: "database", path: "missing.duckdb", fileRoot: dir },
    badConfigMessage: /missing\.duckdb does not exist in this workspace's file folder/,
    table: { schema: "crm", table: "customers" },
    changeColumn: "signed_up_at",
    keyColumn: "id",
    expectedKeys: EXPECTED_KEYS,
    nullKeyCount: 2,
    supportsSql: true,
    columnTypes: COLUMN_TYPES,
    serverConfig: { fileRoot: dir },
    teardown: remove,
  };
});

describeSourceContract("duckdb csv file", async () => {
  const { dir, remove } = await createFixtureFolder();
  return {
    connector: duckdbConnector,
    config: { mode: "files", files: "customers.csv", fileRoot: dir },
    badConfig: { mode: "files", files: "missing.csv", fileRoot: dir },
    badConfigMessage: /missing\.csv does not exist in this workspace's file folder/,
    table: { schema: "files", table: "data" },
    changeColumn: "signed_up_at",
    keyColumn: "id",
    expectedKeys: EXPECTED_KEYS,
    nullKeyCount: 2,
    supportsSql: true,
    columnTypes: COLUMN_TYPES,
    serverConfig: { fileRoot: dir },
    teardown: remove,
  };
});

describeSourceContract("duckdb parquet glob", async () => {
  const { dir, remove } = await createFixtureFolder();
  return {
    connector: duckdbConnector,
    config: { mode: "files", files: "part-*.parquet", fileRoot: dir },
    badConfig: { mode: "files", files: "nothing-*.parquet", fileRoot: dir },
    badConfigMessage: /No files match nothing-\*\.parquet in this workspace's file folder/,
    table: { schema: "files", table: "data" },
    changeColumn: "signed_up_at",
    keyColumn: "id",
    expectedKeys: EXPECTED_KEYS,
    nullKeyCount: 2,
    supportsSql: true,
    columnTypes: COLUMN_TYPES,
    serverConfig: { fileRoot: dir },
    teardown: remove,
  };
});

describe("duckdb connector", () => {
  let dir: string;
  let remove: () => Promise<void>;
  let database: DuckdbConfig;

  beforeAll(async () => {
    ({ dir, remove } = await createFixtureFolder());
    database = { ...duckdbConfigSchema.parse({ mode: "database", path: "warehouse.duckdb" }), fileRoot: dir };
  });
  afterAll(async () => {
    await remove?.();
  });

  it("asks for the path that the mode needs and a known file format", () => {
    expect(duckdbConfigSchema.safeParse({ mode: "database" }).error?.issues).toMatchObject([{ path: ["path"] }]);
    expect(duckdbConfigSchema.safeParse({ mode: "files" }).error?.issues).toMatchObject([{ path: ["files"] }]);
    expect(duckdbConfigSchema.safeParse({ mode: "files", files: "data/x.xlsx" }).error?.issues).toMatchObject([
      { path: ["files"], message: expect.stringContaining(".parquet") },
    ]);
  });

  it("reads a database file named like one of its schemas", async () => {
    const path = join(dir, "analytics.duckdb");
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run("CREATE SCHEMA analytics.analytics; CREATE TABLE analytics.analytics.users AS SELECT 1 AS id");
    connection.closeSync();
    instance.closeSync();
    const config = { ...duckdbConfigSchema.parse({ mode: "database", path: "analytics.duckdb" }), fileRoot: dir };
    const model = { type: "table", schema: "analytics", table: "users" } as const;
    expect(await duckdbConnector.readPage({ config, model, keyColumn: "id", limit: 5 })).toEqual([{ id: 1 }]);
  });

  it("check describes what it opened", async () => {
    expect(await duckdbConnector.check({ config: database })).toEqual({
      ok: true,
      message: "DuckDB opened warehouse.duckdb read-only: 2 tables and views.",
    });
    const files = { ...duckdbConfigSchema.parse({ mode: "files", files: "part-*.parquet" }), fileRoot: dir };
    expect(await duckdbConnector.check({ config: files })).toEqual({
      ok: true,
      message: "DuckDB read part-*.parquet as table files.data with 5 columns.",
    });
  });

  it("discover lists tables and views of a database file", async () => {
    const catalog = await duckdbConnector.discover({ config: database });
    expect(catalog.schemas.map((s) => [s.name, s.tables.map((t) => t.name)])).toEqual([["crm", ["active_customers", "customers"]]]);
    expect(catalog.schemas[0]?.tables[1]?.columns.find((c) => c.name === "balance")).toEqual({ name: "balance", nativeType: "DECIMAL(10,2)", type: "number" });
  });

  it("converts DuckDB values to plain JavaScript", async () => {
    const { columns, rows } = await duckdbConnector.preview({
      config: database,
      model: {
        type: "sql",
        sql: `select 9007199254740993::bigint as big, 42::hugeint as small, 1.25::decimal(10, 2) as dec,
                     timestamp '2024-03-01 10:00:00.123' as ts, date '2024-03-01' as day, time '12:30:00' as tm,
                     [1, 2] as list, {'a': 1, 'b': 'x'} as obj, 'ok' as txt`,
      },
      limit: 1,
    });
    expect(rows).toEqual([
      {
        big: "9007199254740993",
        small: 42,
        dec: 1.25,
        ts: new Date("2024-03-01T10:00:00.123Z"),
        day: new Date("2024-03-01T00:00:00Z"),
        tm: "12:30:00",
        list: [1, 2],
        obj: { a: 1, b: "x" },
        txt: "ok",
      },
    ]);
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ["big", "number"],
      ["small", "number"],
      ["dec", "number"],
      ["ts", "date"],
      ["day", "date"],
      ["tm", "string"],
      ["list", "json"],
      ["obj", "json"],
      ["txt", "string"],
    ]);
  });

  it("pages integer keys beyond 2^53 exactly and date keys", async () => {
    const model = {
      type: "sql",
      sql: "select * from (values (9007199254740992::bigint), (9007199254740993::bigint), (9007199254740994::bigint)) t(id)",
    } as const;
    const all = await duckdbConnector.readPage({ config: database, model, keyColumn: "id", limit: 10 });
    expect(all.map((r) => r.id)).toEqual(["9007199254740992", "9007199254740993", "9007199254740994"]);
    const tail = await duckdbConnector.readPage({ config: database, model, keyColumn: "id", limit: 10, after: "9007199254740993" });
    expect(tail.map((r) => r.id)).toEqual(["9007199254740993", "9007199254740994"]);
    const customers = { type: "table", schema: "crm", table: "customers" } as const;
    const byDate = await duckdbConnector.readPage({ config: database, model: customers, keyColumn: "signed_up_at", limit: 2, after: new Date("2024-02-29T12:00:00Z") });
    expect(byDate.map((r) => r.name)).toEqual(["Ed", "Dee"]);
  });

  it("the read-only database refuses writes that slip past the SQL check", async () => {
    const error = await duckdbConnector
      .preview({ config: database, model: { type: "sql", sql: "select nextval('crm.counter') as n" }, limit: 1 })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyViolationError);
    expect((error as Error).message).toMatch(/read-only/);
  });

  it("SQL models cannot read other files on the server", async () => {
    const files = { ...duckdbConfigSchema.parse({ mode: "files", files: "customers.csv" }), fileRoot: dir };
    for (const config of [database, files]) {
      for (const sql of [`select * from read_csv('${join(dir, "private.csv")}')`, "select * from read_text('/etc/hostname')"]) {
        const error = await duckdbConnector.preview({ config, model: { type: "sql", sql }, limit: 1 }).then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(SourceQueryError);
        expect((error as Error).message).toMatch(/Permission Error/);
      }
    }
  });

  it("interrupts a query at the time limit", async () => {
    const saved = { ...duckdbTimeouts };
    duckdbTimeouts.interactiveMs = 300;
    try {
      const slow = { type: "sql", sql: "select count(*) as id from range(100000000000)" } as const;
      const started = Date.now();
      const error = await duckdbConnector.preview({ config: database, model: slow, limit: 1 }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SourceQueryError);
      expect((error as Error).message).toBe("The query ran longer than 0.3 s and was cancelled (time limit).");
      expect(await duckdbConnector.countRows({ config: database, model: slow })).toBeNull();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      Object.assign(duckdbTimeouts, saved);
    }
  });

  it("an aborted read stops the query", async () => {
    const controller = new AbortController();
    const slow = { type: "sql", sql: "select count(*) as id from range(100000000000)" } as const;
    const started = Date.now();
    const pending = duckdbConnector.readPage({ config: database, model: slow, keyColumn: "id", limit: 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("run cancelled")), 200);
    await expect(pending).rejects.toThrow("run cancelled");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reads the same database file from parallel calls", async () => {
    const model = { type: "table", schema: "crm", table: "customers" } as const;
    const counts = await Promise.all([1, 2, 3].map(() => duckdbConnector.countRows({ config: database, model })));
    expect(counts).toEqual([9, 9, 9]);
  });
});

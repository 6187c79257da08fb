import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "~/server/testing/databases";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { describeSourceContract } from "../testing/source-contract";
import { type PostgresConfig, postgresConfigSchema, postgresConnector, postgresTimeouts } from "./index";

const FIXTURE_SQL = `
  CREATE SCHEMA crm;
  CREATE TYPE crm.tier AS ENUM ('free', 'pro');
  CREATE TABLE crm.customers (
    id bigint,
    name text,
    active boolean,
    signed_up_at timestamptz,
    balance numeric(10, 2),
    tier crm.tier,
    tags text[],
    profile jsonb
  );
  INSERT INTO crm.customers VALUES
    (1000, 'Dee', true, '2024-03-01T10:00:00Z', 10.50, 'pro', '{a,b}', '{"plan": "gold"}'),
    (2, 'Bo', false, '2024-01-02T00:00:00Z', 0, 'free', NULL, NULL),
    (10, 'Cy', NULL, NULL, -3.25, NULL, '{}', '[]'),
    (1, 'Al', true, '2023-12-31T23:59:59Z', 99999999.99, 'pro', NULL, NULL),
    (100, 'Ed', true, '2024-02-29T12:00:00Z', 1, 'free', NULL, NULL),
    (20, 'Fa', false, '2024-05-05T05:05:05Z', 2, 'free', NULL, NULL),
    (3, 'Gi', true, '2024-06-01T00:00:00Z', 3, 'pro', NULL, NULL),
    (NULL, 'No key 1', true, NULL, NULL, NULL, NULL, NULL),
    (NULL, 'No key 2', false, NULL, NULL, NULL, NULL, NULL);
  CREATE SEQUENCE crm.counter;
  CREATE FUNCTION crm.sneaky_delete() RETURNS int LANGUAGE sql AS $$ DELETE FROM crm.customers RETURNING 1 $$;
`;

function configFor(url: string, overrides: Partial<PostgresConfig> = {}): PostgresConfig {
  const u = new URL(url);
  return postgresConfigSchema.parse({
    host: u.hostname,
    port: Number(u.port || 5432),
    database: u.pathname.slice(1),
    user: decodeURIComponent(u.username),
    password: "not-needed-with-trust",
    ...overrides,
  });
}

async function createFixture(): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await createPostgresDatabase("pgsrc");
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(FIXTURE_SQL);
  await client.end();
  return db;
}

describeSourceContract("postgres", async () => {
  const db = await createFixture();
  return {
    connector: postgresConnector,
    config: configFor(db.url),
    badConfig: { ...configFor(db.url), port: 1, password: "hunter2-secret" },
    badConfigMessage: /Could not connect to .+:1: connection refused/,
    table: { schema: "crm", table: "customers" },
    changeColumn: "signed_up_at",
    keyColumn: "id",
    // bigint keys come back as strings; numeric order proves the parameter is read as a bigint.
    expectedKeys: ["1", "2", "3", "10", "20", "100", "1000"],
    nullKeyCount: 2,
    supportsSql: true,
    columnTypes: {
      id: "number",
      name: "string",
      active: "boolean",
      signed_up_at: "date",
      balance: "number",
      tier: "string",
      tags: "json",
      profile: "json",
    },
    teardown: db.drop,
  };
});

describe("postgres connector", () => {
  let db: { url: string; drop: () => Promise<void> };
  let config: PostgresConfig;
  const table = { type: "table", schema: "crm", table: "customers" } as const;

  beforeAll(async () => {
    db = await createFixture();
    config = configFor(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function countCustomers(): Promise<number> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM crm.customers");
    await client.end();
    return (rows[0] as { n: number }).n;
  }

  it("asks for a URL or host, database and user", () => {
    const result = postgresConfigSchema.safeParse({ host: "db.example.com" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["host"], message: expect.stringContaining("connection URL") });
    expect(postgresConfigSchema.safeParse({ url: "mysql://x@y/z" }).success).toBe(false);
    expect(postgresConfigSchema.parse({ url: "postgres://u@h/d" })).toMatchObject({ port: 5432, sslMode: "disable" });
  });

  it("connects with a URL", async () => {
    const result = await postgresConnector.check({ config: postgresConfigSchema.parse({ url: db.url }) });
    expect(result.ok, result.message).toBe(true);
    expect(result.message).toMatch(/^Connected to PostgreSQL \d+/);
    const rows = await postgresConnector.readPage({ config: postgresConfigSchema.parse({ url: db.url }), model: table, keyColumn: "id", limit: 2 });
    expect(rows.map((r) => r.id)).toEqual(["1", "2"]);
  });

  it("names a missing database and a missing user without leaking the password", async () => {
    const missingDb = await postgresConnector.check({ config: configFor(db.url, { database: "no_such_db_xyz", password: "pw-secret-1" }) });
    expect(missingDb).toEqual({ ok: false, message: expect.stringContaining(`The database "no_such_db_xyz" does not exist on ${new URL(db.url).hostname}:${new URL(db.url).port || 5432}`) });
    const missingUser = await postgresConnector.check({ config: configFor(db.url, { user: "nobody_xyz", password: "pw-secret-2" }) });
    expect(missingUser.ok).toBe(false);
    expect(missingUser.message).toMatch(/nobody_xyz/);
    expect(missingUser.message).not.toContain("pw-secret-2");
    const urlConfig = postgresConfigSchema.parse({ url: "postgres://someone:url-secret-3@127.0.0.1:1/x" });
    const refused = await postgresConnector.check({ config: urlConfig });
    expect(refused).toEqual({ ok: false, message: expect.stringMatching(/^Could not connect to 127\.0\.0\.1:1: connection refused/) });
    expect(refused.message).not.toContain("url-secret-3");
  });

  it("returns values with their JavaScript types", async () => {
    const [row] = await postgresConnector.readPage({ config, model: table, keyColumn: "id", limit: 1, after: "1000" });
    expect(row).toMatchObject({
      id: "1000",
      name: "Dee",
      active: true,
      balance: "10.50",
      tier: "pro",
      tags: ["a", "b"],
      profile: { plan: "gold" },
    });
    expect(row?.signed_up_at).toEqual(new Date("2024-03-01T10:00:00Z"));
  });

  it("maps native types of a SQL model without reading rows", async () => {
    const columns = await postgresConnector.describeModel({
      config,
      model: {
        type: "sql",
        sql: `select 1::smallint as a, 1.5::float8 as b, 'x'::varchar(3) as c, now()::date as d, now()::time as e,
                     gen_random_uuid() as f, '{}'::json as g, '1 day'::interval as h, 'x'::bytea as i
              from crm.customers where pg_sleep(5) is null`,
      },
    });
    expect(columns.map((c) => [c.name, c.type, c.nativeType])).toEqual([
      ["a", "number", "smallint"],
      ["b", "number", "double precision"],
      ["c", "string", "character varying"],
      ["d", "date", "date"],
      ["e", "string", "time without time zone"],
      ["f", "string", "uuid"],
      ["g", "json", "json"],
      ["h", "string", "interval"],
      ["i", "unknown", "bytea"],
    ]);
  });

  it("keys of a text SQL model page in the database's order", async () => {
    const model = { type: "sql", sql: "select name, id from crm.customers" } as const;
    const first = await postgresConnector.readPage({ config, model, keyColumn: "name", limit: 3 });
    expect(first.map((r) => r.name)).toEqual(["Al", "Bo", "Cy"]);
    const next = await postgresConnector.readPage({ config, model, keyColumn: "name", limit: 3, after: "Cy" });
    expect(next.map((r) => r.name)).toEqual(["Cy", "Dee", "Ed"]);
  });

  it("the database itself refuses writes that slip past the SQL check", async () => {
    const before = await countCustomers();
    for (const sql of ["select crm.sneaky_delete()", "select nextval('crm.counter') as id"]) {
      const error = await postgresConnector
        .preview({ config, model: { type: "sql", sql }, limit: 5 })
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ReadOnlyViolationError);
      expect((error as Error).message).toMatch(/read-only transaction/);
    }
    expect(await countCustomers()).toBe(before);
  });

  it("cancels a query at the statement timeout", async () => {
    const saved = { ...postgresTimeouts };
    postgresTimeouts.interactiveMs = 300;
    postgresTimeouts.pageMs = 300;
    try {
      const slow = { type: "sql", sql: "select 1 as id from pg_sleep(5)" } as const;
      const started = Date.now();
      const error = await postgresConnector.preview({ config, model: slow, limit: 1 }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SourceQueryError);
      expect((error as Error).message).toBe("The query ran longer than 0.3 s and was cancelled (statement timeout).");
      await expect(postgresConnector.readPage({ config, model: slow, keyColumn: "id", limit: 1 })).rejects.toThrow(/statement timeout/);
      expect(await postgresConnector.countRows({ config, model: slow })).toBeNull();
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      Object.assign(postgresTimeouts, saved);
    }
  });

  it("an aborted read stops the query on the server", async () => {
    const controller = new AbortController();
    const slow = { type: "sql", sql: "select 1 as id from pg_sleep(20)" } as const;
    const started = Date.now();
    const pending = postgresConnector.readPage({ config, model: slow, keyColumn: "id", limit: 1, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("run cancelled")), 300);
    await expect(pending).rejects.toThrow("run cancelled");
    expect(Date.now() - started).toBeLessThan(5_000);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(20)%' AND pid <> pg_backend_pid()");
    await client.end();
    expect((rows[0] as { n: number }).n).toBe(0);
  });
});

/**
 * No Snowflake server runs here, so these tests cover what does not need one: config parsing, the SQL
 * the connector builds, and that a failed login comes back as a clear, bounded check result. The login
 * tests point the real driver at local endpoints (a closed port, a server that never answers) so
 * nothing leaves this machine.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ReadOnlyViolationError } from "../errors";
import type { ConfigFieldMeta } from "../types";
import { createSnowflakeConnector, normalizeAccount, snowflakeConnector, toCredentials, type SnowflakeConfig } from "./index";
import {
  buildColumnsSql,
  buildCountSql,
  buildDescribeSql,
  buildNullKeyRowsSql,
  buildReadPageSql,
  buildStatementTimeoutSql,
  mapSnowflakeType,
} from "./sql";

/** The field metadata the registry renders forms from (read the same way, without loading every connector). */
function readFields(schema: unknown) {
  return Object.entries((schema as z.ZodObject<Record<string, z.ZodType>>).shape).map(([name, field]) => ({
    name,
    required: !field.safeParse(undefined).success,
    ...(z.globalRegistry.get(field) as Partial<ConfigFieldMeta>),
  }));
}

const base = { account: "myorg-myaccount", username: "READER", warehouse: "COMPUTE_WH", database: "ANALYTICS" };

describe("snowflake config", () => {
  it("is marked unverified and says so", () => {
    expect(snowflakeConnector.verified).toBe(false);
    expect(snowflakeConnector.description).toContain("Not verified in our test suite");
  });

  it("requires account, user, warehouse, database and a password or private key", () => {
    const empty = snowflakeConnector.configSchema.safeParse({});
    expect(empty.success).toBe(false);
    const paths = (empty.error?.issues ?? []).map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["account", "username", "warehouse", "database"]));
    const noSecret = snowflakeConnector.configSchema.safeParse({ ...base, password: "" });
    expect(noSecret.error?.issues).toEqual([
      expect.objectContaining({ path: ["password"], message: "Enter the password, or a private key for key-pair authentication." }),
    ]);
    expect(snowflakeConnector.configSchema.parse({ ...base, password: "pw-123456", role: " " })).toEqual({ ...base, password: "pw-123456" });
  });

  it("accepts an account URL and rejects junk identifiers", () => {
    expect(normalizeAccount("https://myorg-myaccount.snowflakecomputing.com/console")).toBe("myorg-myaccount");
    expect(normalizeAccount(" xy12345.eu-west-1 ")).toBe("xy12345.eu-west-1");
    expect(snowflakeConnector.configSchema.safeParse({ ...base, account: "https://xy12345.eu-west-1.snowflakecomputing.com", password: "p" }).success).toBe(true);
    const bad = snowflakeConnector.configSchema.safeParse({ ...base, account: "my org!", password: "p" });
    expect(bad.error?.issues[0]?.message).toMatch(/myorg-myaccount/);
  });

  it("flags password, private key and passphrase as secret fields", () => {
    const fields = readFields(snowflakeConnector.configSchema);
    expect(fields.filter((f) => f.secret).map((f) => f.name)).toEqual(["password", "privateKey", "privateKeyPassphrase"]);
    expect(fields.find((f) => f.name === "privateKey")?.widget).toBe("textarea");
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(["account", "username", "warehouse", "database"]);
  });

  it("checks a private key locally and never quotes it", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const config = snowflakeConnector.configSchema.parse({ ...base, privateKey: pem });
    expect(toCredentials(config)).toMatchObject({ account: "myorg-myaccount", privateKey: pem, password: undefined });
    const broken = { ...config, privateKey: "-----BEGIN PRIVATE KEY-----\nZm9vYmFy\n-----END PRIVATE KEY-----" } as SnowflakeConfig;
    expect(() => toCredentials(broken)).toThrow(/not a readable PEM key/);
    try {
      toCredentials(broken);
    } catch (error) {
      expect((error as Error).message).not.toContain("Zm9vYmFy");
    }
  });
});

describe("snowflake SQL", () => {
  const table = { type: "table" as const, schema: "PUBLIC", table: 'Odd "name"' };

  it("builds keyset pages with an inclusive, bound `after`", async () => {
    expect(await buildReadPageSql({ model: table, keyColumn: "ID", limit: 500 })).toEqual({
      sqlText: 'SELECT * FROM "PUBLIC"."Odd ""name""" AS m WHERE m."ID" IS NOT NULL ORDER BY m."ID" LIMIT 500',
      binds: [],
    });
    expect(await buildReadPageSql({ model: table, keyColumn: "ID", limit: 10.7, after: 42 })).toEqual({
      sqlText: 'SELECT * FROM "PUBLIC"."Odd ""name""" AS m WHERE m."ID" IS NOT NULL AND m."ID" >= ? ORDER BY m."ID" LIMIT 10',
      binds: [42],
    });
    const at = new Date("2024-01-02T03:04:05.000Z");
    expect((await buildReadPageSql({ model: table, keyColumn: "AT", limit: 1, after: at })).binds).toEqual(["2024-01-02T03:04:05.000Z"]);
  });

  it("adds a bound `since` condition for incremental reads, after the keyset one", async () => {
    const since = { column: 'Updated "at"', value: new Date("2024-01-02T03:04:05.000Z") };
    expect(await buildReadPageSql({ model: table, keyColumn: "ID", limit: 10, after: 42, since })).toEqual({
      sqlText: 'SELECT * FROM "PUBLIC"."Odd ""name""" AS m WHERE m."ID" IS NOT NULL AND m."ID" >= ? AND m."Updated ""at""" > ? ORDER BY m."ID" LIMIT 10',
      binds: [42, "2024-01-02T03:04:05.000Z"],
    });
    expect((await buildReadPageSql({ model: table, keyColumn: "ID", limit: 10, since: { column: "SEQ", value: 7 } })).binds).toEqual([7]);
  });

  it("wraps a SQL model after the parser's check, on lines of its own so a trailing comment ends there", async () => {
    const model = { type: "sql" as const, sql: "select id, email from users -- comment\n;" };
    expect((await buildCountSql({ model })).sqlText).toBe('SELECT COUNT(*) AS "N" FROM (\nselect id, email from users -- comment\n) AS m');
    expect((await buildDescribeSql(model)).sqlText).toBe("SELECT * FROM (\nselect id, email from users -- comment\n) AS m LIMIT 0");
    expect((await buildNullKeyRowsSql({ model, keyColumn: "ID", limit: 5 })).sqlText).toBe(
      'SELECT * FROM (\nselect id, email from users -- comment\n) AS m WHERE m."ID" IS NULL LIMIT 5',
    );
    for (const sql of ["delete from users", "select 1; drop table users", "select 1 as a) as m; drop table users; select * from (select 1", "create table t as select 1 as a"]) {
      await expect(buildReadPageSql({ model: { type: "sql", sql }, keyColumn: "ID", limit: 1 })).rejects.toThrow(/^Models are read-only: /);
    }
    await expect(buildCountSql({ model: { type: "sql", sql: "select 1; drop table users" } })).rejects.toThrow(ReadOnlyViolationError);
  });

  it("refuses a write statement before connecting", async () => {
    const connector = createSnowflakeConnector({ accessUrl: "http://127.0.0.1:9", connectTimeoutMs: 1000 });
    const config = connector.configSchema.parse({ ...base, password: "pw-123456" });
    await expect(connector.preview({ config, model: { type: "sql", sql: "drop table users" }, limit: 5 })).rejects.toBeInstanceOf(
      ReadOnlyViolationError,
    );
  });

  it("discovers through INFORMATION_SCHEMA with bound filters and sets the statement timeout", () => {
    expect(buildColumnsSql({ database: "ANALYTICS", schema: "PUBLIC", table: "USERS" })).toEqual({
      sqlText:
        'SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM "ANALYTICS".INFORMATION_SCHEMA.COLUMNS ' +
        "WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA' AND TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
      binds: ["PUBLIC", "USERS"],
    });
    expect(buildStatementTimeoutSql(300)).toBe("ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 300");
  });

  it("maps Snowflake types", () => {
    expect(["NUMBER", "fixed", "FLOAT", "real", "DECIMAL(10,2)"].map(mapSnowflakeType)).toEqual(Array(5).fill("number"));
    expect(["TEXT", "text", "VARCHAR(20)", "TIME"].map(mapSnowflakeType)).toEqual(Array(4).fill("string"));
    expect(["TIMESTAMP_NTZ", "timestamp_ltz", "DATE"].map(mapSnowflakeType)).toEqual(Array(3).fill("date"));
    expect(mapSnowflakeType("BOOLEAN")).toBe("boolean");
    expect(["VARIANT", "object", "ARRAY"].map(mapSnowflakeType)).toEqual(Array(3).fill("json"));
    expect(mapSnowflakeType("GEOGRAPHY")).toBe("unknown");
  });
});

describe("snowflake check without a reachable account", () => {
  let silent: Server;
  let silentPort: number;
  let closedPort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    // Accepts connections and never answers, like a firewall that drops replies.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("reports a refused connection with the account and user, not the password", async () => {
    const connector = createSnowflakeConnector({ accessUrl: `http://127.0.0.1:${closedPort}`, connectTimeoutMs: 10_000 });
    const config = connector.configSchema.parse({ ...base, password: "s3cret-password" });
    const started = Date.now();
    const result = await connector.check({ config });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^Could not connect to Snowflake account "myorg-myaccount" as user "READER": .*ECONNREFUSED/);
    expect(result.message).not.toContain("s3cret-password");
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it("gives up at its own deadline when the endpoint never answers", async () => {
    const connector = createSnowflakeConnector({ accessUrl: `http://127.0.0.1:${silentPort}`, connectTimeoutMs: 1500 });
    const config = connector.configSchema.parse({ ...base, password: "s3cret-password" });
    const started = Date.now();
    const result = await connector.check({ config });
    expect(result).toEqual({
      ok: false,
      message:
        'Could not connect to Snowflake account "myorg-myaccount" as user "READER": no answer within 2 seconds. Check the account identifier (like myorg-myaccount) and that this server can reach Snowflake.',
    });
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 20_000);
});

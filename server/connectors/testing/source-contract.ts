/**
 * The behaviour every source connector promises the sync engine, as one Vitest suite. A connector's
 * test file calls `describeSourceContract` with a setup that creates a fixture table holding known rows
 * (some with a null key; integer, text, boolean, timestamp and numeric columns) and returns a config
 * that reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import type { ColumnType, ConfigFieldMeta, ModelQuery, Row, SourceConnector } from "../types";

export type SourceContractFixture = {
  connector: SourceConnector<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Reaches the fixture table. */
  config: unknown;
  /** Parses, but cannot connect or authenticate (wrong password, unreachable host, missing file). */
  badConfig: unknown;
  table: { schema: string; table: string };
  keyColumn: string;
  /** Every non-null key, in the database's ascending order, as the connector returns them (compared as strings). */
  expectedKeys: unknown[];
  /** Rows whose key is null (at least one). */
  nullKeyCount: number;
  /** The source runs SQL models. */
  supportsSql: boolean;
  /** How SQL refers to the fixture table; defaults to `schema.table`. */
  tableSql?: string;
  /** A date or number column of the fixture table, for incremental reads (`since`); most rows hold a value. */
  changeColumn?: string;
  /** Column types discover/describeModel must report for some columns of the fixture table. */
  columnTypes?: Record<string, ColumnType>;
  /** What `check(badConfig)` must say (host, user, path …). */
  badConfigMessage?: RegExp;
  /** What services add to a parsed config before handing it over (a file connector's workspace folder). */
  serverConfig?: Record<string, unknown>;
  teardown(): Promise<void>;
};

const COLUMN_TYPES: readonly ColumnType[] = ["string", "number", "boolean", "date", "json", "unknown"];

/** Field names the connector's config schema flags as secret. */
function readSecretFields(connector: SourceConnector<unknown>): string[] {
  const schema = connector.configSchema as unknown as z.ZodObject<Record<string, z.ZodType>>;
  return Object.entries(schema.shape)
    .filter(([, field]) => (z.globalRegistry.get(field) as Partial<ConfigFieldMeta> | undefined)?.secret === true)
    .map(([name]) => name);
}

function readSecretValues(connector: SourceConnector<unknown>, config: unknown): string[] {
  const record = (config ?? {}) as Record<string, unknown>;
  const values: string[] = [];
  for (const name of readSecretFields(connector)) {
    const value = record[name];
    if (typeof value !== "string" || value.length < 4) continue;
    values.push(value);
    // A URL's embedded password must not leak either.
    try {
      const password = decodeURIComponent(new URL(value).password);
      if (password.length >= 4) values.push(password);
    } catch {
      // not a URL
    }
  }
  return values;
}

async function expectRejection<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the call to fail").toBeInstanceOf(type);
  return error as E;
}

export function describeSourceContract(name: string, setup: () => Promise<SourceContractFixture>): void {
  describe(`${name}: source contract`, () => {
    let f: SourceContractFixture;
    let tableModel: ModelQuery;
    let tableSql: string;
    const keyOf = (row: Row) => row[f.keyColumn];

    beforeAll(async () => {
      f = await setup();
      tableModel = { type: "table", schema: f.table.schema, table: f.table.table };
      tableSql = f.tableSql ?? `${f.table.schema}.${f.table.table}`;
      expect(f.nullKeyCount, "the fixture needs rows with a null key").toBeGreaterThan(0);
      expect(f.expectedKeys.length, "the fixture needs several keyed rows").toBeGreaterThanOrEqual(5);
    });
    afterAll(async () => {
      await f?.teardown();
    });

    it("config schema parses the config and rejects {} naming fields", () => {
      expect(f.connector.configSchema.safeParse(f.config).success).toBe(true);
      expect(f.connector.configSchema.safeParse(f.badConfig).success).toBe(true);
      const empty = f.connector.configSchema.safeParse({});
      expect(empty.success).toBe(false);
      const issues = empty.error?.issues ?? [];
      expect(issues.some((i) => i.path.length > 0)).toBe(true);
      for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
    });

    it("flags credential fields as secret", () => {
      const schema = f.connector.configSchema as unknown as z.ZodObject<Record<string, z.ZodType>>;
      const secrets = readSecretFields(f.connector);
      for (const field of Object.keys(schema.shape)) {
        if (/password|secret|token|credential|private|apikey|serviceaccount/i.test(field)) expect(secrets).toContain(field);
      }
    });

    it("check succeeds with the good config", async () => {
      const result = await f.connector.check({ config: { ...f.connector.configSchema.parse(f.config), ...f.serverConfig } });
      expect(result, result.message).toMatchObject({ ok: true });
      expect(result.message.length).toBeGreaterThan(0);
    });

    it("check fails with the bad config: a specific message without secrets, no throw", async () => {
      const result = await f.connector.check({ config: { ...f.connector.configSchema.parse(f.badConfig), ...f.serverConfig } });
      expect(result.ok).toBe(false);
      expect(result.message.length).toBeGreaterThan(10);
      if (f.badConfigMessage) expect(result.message).toMatch(f.badConfigMessage);
      for (const secret of [...readSecretValues(f.connector, f.badConfig), ...readSecretValues(f.connector, f.config)]) {
        expect(result.message).not.toContain(secret);
      }
    });

    it("discover lists the fixture table with typed columns", async () => {
      const catalog = await f.connector.discover({ config: f.config });
      const schema = catalog.schemas.find((s) => s.name === f.table.schema);
      expect(schema, `schema ${f.table.schema} listed`).toBeDefined();
      const table = schema?.tables.find((t) => t.name === f.table.table);
      expect(table, `table ${f.table.table} listed`).toBeDefined();
      expect(table?.schema).toBe(f.table.schema);
      const columns = table?.columns ?? [];
      expect(columns.map((c) => c.name)).toContain(f.keyColumn);
      for (const column of columns) {
        expect(COLUMN_TYPES).toContain(column.type);
        expect(column.nativeType.length).toBeGreaterThan(0);
      }
      for (const [column, type] of Object.entries(f.columnTypes ?? {})) {
        expect({ column, type: columns.find((c) => c.name === column)?.type }).toEqual({ column, type });
      }
    });

    it("describes a table model", async () => {
      const columns = await f.connector.describeModel({ config: f.config, model: tableModel });
      expect(columns.map((c) => c.name)).toContain(f.keyColumn);
      for (const [column, type] of Object.entries(f.columnTypes ?? {})) {
        expect({ column, type: columns.find((c) => c.name === column)?.type }).toEqual({ column, type });
      }
    });

    it("describes a SQL model without reading it", async ({ skip }) => {
      if (!f.supportsSql) skip("the source has no SQL models");
      const columns = await f.connector.describeModel({
        config: f.config,
        model: { type: "sql", sql: `select * from ${tableSql}` },
      });
      expect(columns.map((c) => c.name)).toContain(f.keyColumn);
      for (const [column, type] of Object.entries(f.columnTypes ?? {})) {
        expect({ column, type: columns.find((c) => c.name === column)?.type }).toEqual({ column, type });
      }
    });

    it("preview is capped at the limit", async () => {
      const preview = await f.connector.preview({ config: f.config, model: tableModel, limit: 2 });
      expect(preview.rows).toHaveLength(2);
      expect(preview.columns.map((c) => c.name)).toContain(f.keyColumn);
      for (const row of preview.rows) expect(Object.keys(row)).toContain(f.keyColumn);
      const all = await f.connector.preview({ config: f.config, model: tableModel, limit: 1000 });
      expect(all.rows).toHaveLength(f.expectedKeys.length + f.nullKeyCount);
    });

    it("counts the rows", async () => {
      const count = await f.connector.countRows({ config: f.config, model: tableModel });
      expect(count).toBe(f.expectedKeys.length + f.nullKeyCount);
    });

    it("readPage walks every non-null key in ascending order, inclusive of `after`", async () => {
      const limit = 3;
      const seen: unknown[] = [];
      let after: unknown = undefined;
      for (let pages = 0; pages < 100; pages++) {
        const rows = await f.connector.readPage({
          config: f.config,
          model: tableModel,
          keyColumn: f.keyColumn,
          limit,
          ...(after === undefined ? {} : { after }),
        });
        expect(rows.length).toBeLessThanOrEqual(limit);
        for (const row of rows) expect(keyOf(row)).not.toBeNull();
        const fresh = after === undefined ? rows : rows.slice(1);
        if (after !== undefined && rows.length > 0) expect(String(keyOf(rows[0]!))).toBe(String(after));
        seen.push(...fresh.map(keyOf));
        if (rows.length < limit) break;
        after = keyOf(rows[rows.length - 1]!);
      }
      expect(seen.map(String)).toEqual(f.expectedKeys.map(String));
    });

    it("readPage from a middle key starts at that key", async () => {
      const middle = Math.floor(f.expectedKeys.length / 2);
      const first = await f.connector.readPage({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 2 });
      const start = await f.connector.readPage({
        config: f.config,
        model: tableModel,
        keyColumn: f.keyColumn,
        limit: 2,
        after: keyOf(first[1]!),
      });
      expect(start.map((r) => String(keyOf(r)))).toEqual(f.expectedKeys.slice(1, 3).map(String));
      const all = await f.connector.readPage({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 1000 });
      const tail = await f.connector.readPage({
        config: f.config,
        model: tableModel,
        keyColumn: f.keyColumn,
        limit: 1000,
        after: keyOf(all[middle]!),
      });
      expect(tail.map((r) => String(keyOf(r)))).toEqual(f.expectedKeys.slice(middle).map(String));
    });

    it("readPage with `since` reads only rows whose change column is past it, still paged by the key", async (context) => {
      const column = f.changeColumn;
      if (!column) return context.skip();
      const ordinal = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === "string" && Number.isNaN(Number(v)) ? Date.parse(v) : Number(v));
      const all = await f.connector.readPage({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 1000 });
      const values = all.map((r) => r[column]).filter((v) => v !== null && v !== undefined);
      const since = values.sort((a, b) => ordinal(a) - ordinal(b))[Math.floor(values.length / 2) - 1];
      const expected = all.filter((r) => r[column] !== null && r[column] !== undefined && ordinal(r[column]) > ordinal(since)).map((r) => String(keyOf(r)));
      expect(expected.length).toBeGreaterThanOrEqual(2);
      const first = await f.connector.readPage({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 2, since: { column, value: since } });
      expect(first.map((r) => String(keyOf(r)))).toEqual(expected.slice(0, 2));
      const rest = await f.connector.readPage({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 1000, after: keyOf(first[1]!), since: { column, value: since } });
      expect(rest.map((r) => String(keyOf(r)))).toEqual(expected.slice(1));
    });

    it("readNullKeyRows returns the null-key rows and their total", async () => {
      const all = await f.connector.readNullKeyRows({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 1000 });
      expect(all.total).toBe(f.nullKeyCount);
      expect(all.rows).toHaveLength(f.nullKeyCount);
      for (const row of all.rows) expect(keyOf(row) ?? null).toBeNull();
      const one = await f.connector.readNullKeyRows({ config: f.config, model: tableModel, keyColumn: f.keyColumn, limit: 1 });
      expect(one.rows).toHaveLength(1);
      expect(one.total).toBe(f.nullKeyCount);
    });

    it("a SQL model reads like a table", async ({ skip }) => {
      if (!f.supportsSql) skip("the source has no SQL models");
      const model: ModelQuery = { type: "sql", sql: `select * from ${tableSql}` };
      const rows = await f.connector.readPage({ config: f.config, model, keyColumn: f.keyColumn, limit: 1000 });
      expect(rows.map((r) => String(keyOf(r)))).toEqual(f.expectedKeys.map(String));
      expect(await f.connector.countRows({ config: f.config, model })).toBe(f.expectedKeys.length + f.nullKeyCount);
      const nulls = await f.connector.readNullKeyRows({ config: f.config, model, keyColumn: f.keyColumn, limit: 10 });
      expect(nulls.total).toBe(f.nullKeyCount);
      const preview = await f.connector.preview({ config: f.config, model, limit: 3 });
      expect(preview.rows).toHaveLength(3);
    });

    it("refuses write statements in a SQL model and changes nothing", async ({ skip }) => {
      if (!f.supportsSql) skip("the source has no SQL models");
      const before = await f.connector.countRows({ config: f.config, model: tableModel });
      for (const sql of [`delete from ${tableSql}`, `select 1; drop table ${tableSql}`, `drop table ${tableSql}`]) {
        const model: ModelQuery = { type: "sql", sql };
        await expectRejection(f.connector.preview({ config: f.config, model, limit: 10 }), ReadOnlyViolationError);
        await expectRejection(
          f.connector.readPage({ config: f.config, model, keyColumn: f.keyColumn, limit: 10 }),
          ReadOnlyViolationError,
        );
        await expectRejection(f.connector.describeModel({ config: f.config, model }), ReadOnlyViolationError);
        await expectRejection(f.connector.countRows({ config: f.config, model }), ReadOnlyViolationError);
      }
      expect(await f.connector.countRows({ config: f.config, model: tableModel })).toBe(before);
    });

    it("a SQL error surfaces the database's own message", async ({ skip }) => {
      if (!f.supportsSql) skip("the source has no SQL models");
      const error = await expectRejection(
        f.connector.preview({ config: f.config, model: { type: "sql", sql: `select no_such_column_xyz from ${tableSql}` }, limit: 5 }),
        SourceQueryError,
      );
      expect(error.message).toContain("no_such_column_xyz");
    });

    it("a missing table is a SourceQueryError naming it", async () => {
      const error = await expectRejection(
        f.connector.preview({ config: f.config, model: { type: "table", schema: f.table.schema, table: "no_such_table_xyz" }, limit: 5 }),
        SourceQueryError,
      );
      expect(error.message).toContain("no_such_table_xyz");
    });
  });
}

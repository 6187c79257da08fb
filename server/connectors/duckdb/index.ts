import type { DuckDBConnection, DuckDBResultReader, DuckDBValue } from "@duckdb/node-api";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import type { ModelQuery, ReadPageParams, Row, SourceCatalog, SourceColumn, SourceConnector } from "../types";
import { type DuckdbConfig, duckdbConfigSchema, FILES_TABLE } from "./config";
import { DATABASE_CATALOG, duckdbTimeouts, openDuckdbSession, STATEMENT_TIMEOUT_CODE, withDuckdbSession } from "./session";
import { loadValueConverter, mapDuckdbType } from "./values";

export { duckdbConfigSchema, type DuckdbConfig, FILES_TABLE } from "./config";
export { duckdbTimeouts } from "./session";

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Exactly one statement, through a prepared statement: DuckDB refuses to prepare several at once
 * (connection.run would execute every statement before the last).
 */
async function readOne(connection: DuckDBConnection, sql: string, values?: DuckDBValue[]): Promise<DuckDBResultReader> {
  const prepared = await connection.prepare(sql);
  try {
    if (values) prepared.bind(values);
    return await prepared.runAndReadAll();
  } finally {
    prepared.destroySync();
  }
}

type SerializedSql = { error: boolean; error_type?: string; error_message?: string; statements?: unknown[] };

/**
 * A SQL model must be one SELECT (or WITH … SELECT, FROM …, VALUES …), as DuckDB's own parser reads
 * it: json_serialize_sql serializes SELECT statements only and reports anything else as an error.
 */
async function assertSingleSelect(connection: DuckDBConnection, sql: string): Promise<void> {
  const reader = await readOne(connection, "SELECT json_serialize_sql($1::VARCHAR) AS parsed", [sql]);
  const parsed = JSON.parse(String(reader.getRowObjectsJS()[0]?.parsed)) as SerializedSql;
  if (parsed.error) {
    if (parsed.error_type === "parser") throw new SourceQueryError(`The query does not parse: ${parsed.error_message ?? "syntax error"}`);
    throw new ReadOnlyViolationError("Models are read-only: only a SELECT query (or WITH … SELECT) is allowed, and DuckDB reads this as another kind of statement.");
  }
  const count = parsed.statements?.length ?? 0;
  if (count === 0) throw new ReadOnlyViolationError("The query is empty: write one SELECT or WITH statement.");
  if (count > 1) throw new ReadOnlyViolationError(`Only one statement is allowed, and this query has ${count}: remove the extra statements.`);
}

/** The model as a FROM item aliased `model`; SQL models are checked by DuckDB's parser and wrapped as a subquery. */
async function modelFromItem(connection: DuckDBConnection, config: DuckdbConfig, model: ModelQuery): Promise<string> {
  if (model.type === "sql") {
    await assertSingleSelect(connection, model.sql);
    // The newline ends a trailing -- comment; a trailing ';' would end the subquery.
    return `(${model.sql.replace(/[\s;]+$/, "")}\n) AS model`;
  }
  const catalog = config.mode === "database" ? `${quoteIdent(DATABASE_CATALOG)}.` : "";
  return `${catalog}${quoteIdent(model.schema)}.${quoteIdent(model.table)} AS model`;
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(100_000, Math.floor(limit)));
}

function describeColumns(reader: DuckDBResultReader): SourceColumn[] {
  const types = reader.columnTypes();
  return reader.columnNames().map((name, i) => {
    const nativeType = types[i]?.toString() ?? "UNKNOWN";
    return { name, nativeType, type: mapDuckdbType(nativeType) };
  });
}

async function readRows(reader: DuckDBResultReader): Promise<Row[]> {
  return reader.convertRowObjects(await loadValueConverter()) as Row[];
}

/** `after` as a bind value; DuckDB casts it to the key column's type (a string keeps big integers exact). */
function toBindValue(after: unknown): DuckDBValue {
  if (after instanceof Date) return after.toISOString();
  if (typeof after === "number" || typeof after === "string" || typeof after === "boolean" || typeof after === "bigint") return after;
  throw new SourceQueryError(`Cannot page from a key of type ${typeof after}: key columns must hold numbers, text or dates.`);
}

/** The keyset page statement, the one place its conditions are written: rows with a non-null key from `after` on (inclusive), past `since` when reading incrementally, in key order. */
async function readKeysetPage(connection: DuckDBConnection, from: string, keyColumn: string, after: unknown, since: ReadPageParams<unknown>["since"], limit: number): Promise<Row[]> {
  const key = `model.${quoteIdent(keyColumn)}`;
  const values: DuckDBValue[] = [];
  const conditions: string[] = [];
  if (after === undefined) conditions.push(`${key} IS NOT NULL`);
  else {
    values.push(toBindValue(after));
    conditions.push(`${key} >= $${values.length}`);
  }
  if (since) {
    values.push(toBindValue(since.value));
    conditions.push(`model.${quoteIdent(since.column)} > $${values.length}`);
  }
  return readRows(await readOne(connection, `SELECT * FROM ${from} WHERE ${conditions.join(" AND ")} ORDER BY ${key} LIMIT ${clampLimit(limit)}`, values.length > 0 ? values : undefined));
}

async function countWhere(connection: DuckDBConnection, from: string, where = ""): Promise<number> {
  const reader = await readOne(connection, `SELECT count(*) AS n FROM ${from} ${where}`);
  return Number((await readRows(reader))[0]?.n ?? 0);
}

type CatalogRow = { table_schema: string; table_name: string; column_name: string; data_type: string };

export const duckdbConnector = {
  id: "duckdb",
  kind: "source",
  label: "DuckDB / Parquet / CSV",
  description:
    "The embedded warehouse for your files: a DuckDB database file, or Parquet, CSV and JSON files, uploaded to this workspace's folder on the server and read in place. Reads are read-only.",
  verified: true,
  readsServerFiles: true,
  configSchema: duckdbConfigSchema,

  async check({ config, signal }) {
    try {
      const summary = await withDuckdbSession(config, { timeoutMs: duckdbTimeouts.interactiveMs, signal }, async (connection) => {
        if (config.mode === "files") {
          const columns = describeColumns(await connection.runAndReadAll(`SELECT * FROM ${FILES_TABLE.schema}.${FILES_TABLE.table} LIMIT 0`));
          return `read ${config.files} as table ${FILES_TABLE.schema}.${FILES_TABLE.table} with ${columns.length} columns`;
        }
        const reader = await connection.runAndReadAll(
          "SELECT count(*) AS n FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema NOT IN ('information_schema', 'pg_catalog')",
        );
        return `opened ${config.path} read-only: ${Number((await readRows(reader))[0]?.n ?? 0)} tables and views`;
      });
      return { ok: true, message: `DuckDB ${summary}.` };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  },

  async discover({ config, signal }) {
    return withDuckdbSession(config, { timeoutMs: duckdbTimeouts.interactiveMs, signal }, async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT table_schema, table_name, column_name, data_type
           FROM information_schema.columns
          WHERE table_catalog = current_database() AND table_schema NOT IN ('information_schema', 'pg_catalog')
          ORDER BY table_schema, table_name, ordinal_position`,
      );
      const catalog: SourceCatalog = { schemas: [] };
      for (const r of (await readRows(reader)) as CatalogRow[]) {
        let schema = catalog.schemas.at(-1);
        if (schema?.name !== r.table_schema) catalog.schemas.push((schema = { name: r.table_schema, tables: [] }));
        let table = schema.tables.at(-1);
        if (table?.name !== r.table_name) schema.tables.push((table = { schema: r.table_schema, name: r.table_name, columns: [] }));
        table.columns.push({ name: r.column_name, nativeType: r.data_type, type: mapDuckdbType(r.data_type) });
      }
      return catalog;
    });
  },

  async describeModel({ config, model, signal }) {
    return withDuckdbSession(config, { timeoutMs: duckdbTimeouts.interactiveMs, signal }, async (connection) => {
      const from = await modelFromItem(connection, config, model);
      return describeColumns(await readOne(connection, `SELECT * FROM ${from} LIMIT 0`));
    });
  },

  async preview({ config, model, limit, signal }) {
    return withDuckdbSession(config, { timeoutMs: duckdbTimeouts.interactiveMs, signal }, async (connection) => {
      const from = await modelFromItem(connection, config, model);
      const reader = await readOne(connection, `SELECT * FROM ${from} LIMIT ${clampLimit(limit)}`);
      return { columns: describeColumns(reader), rows: await readRows(reader) };
    });
  },

  async countRows({ config, model, signal }) {
    try {
      return await withDuckdbSession(config, { timeoutMs: duckdbTimeouts.interactiveMs, signal }, async (connection) =>
        countWhere(connection, await modelFromItem(connection, config, model)),
      );
    } catch (error) {
      // A count that outlives the interactive time limit is not cheap: the progress bar goes without.
      if (error instanceof SourceQueryError && error.options.code === STATEMENT_TIMEOUT_CODE) return null;
      throw error;
    }
  },

  async readPage({ config, model, keyColumn, after, since, limit, signal }) {
    return withDuckdbSession(config, { timeoutMs: duckdbTimeouts.pageMs, signal }, async (connection) => {
      const from = await modelFromItem(connection, config, model);
      return readKeysetPage(connection, from, keyColumn, after, since, limit);
    });
  },

  async openReader({ config, model, keyColumn, since, signal }) {
    const session = await openDuckdbSession(config, signal);
    try {
      const from = await session.run(duckdbTimeouts.interactiveMs, (connection) => modelFromItem(connection, config, model));
      return {
        readPage: ({ after, limit }) => session.run(duckdbTimeouts.pageMs, (connection) => readKeysetPage(connection, from, keyColumn, after, since, limit)),
        close: async () => session.close(),
      };
    } catch (error) {
      session.close();
      throw error;
    }
  },

  async readNullKeyRows({ config, model, keyColumn, limit, signal }) {
    const key = `model.${quoteIdent(keyColumn)}`;
    return withDuckdbSession(config, { timeoutMs: duckdbTimeouts.pageMs, signal }, async (connection) => {
      const from = await modelFromItem(connection, config, model);
      const reader = await readOne(connection, `SELECT * FROM ${from} WHERE ${key} IS NULL LIMIT ${clampLimit(limit)}`);
      return { rows: await readRows(reader), total: await countWhere(connection, from, `WHERE ${key} IS NULL`) };
    });
  },
} satisfies SourceConnector<DuckdbConfig>;

import type { FieldPacket } from "mysql2/promise";
import { SourceQueryError } from "../errors";
import { checkModelSql } from "../read-only-sql/node-sql-parser";
import type { ModelQuery, ReadPageParams, SourceCatalog, SourceColumn, SourceConnector } from "../types";
import { mapMysqlType, readFieldType } from "./column-types";
import { type MysqlConfig, mysqlConfigSchema } from "./config";
import { readPrivilegeWarning } from "./privileges";
import { type MysqlQuery, mysqlTimeouts, openReadOnlySession, STATEMENT_TIMEOUT_CODE, withReadOnlySession } from "./session";

export { mysqlConfigSchema, type MysqlConfig } from "./config";
export { mysqlTimeouts } from "./session";

function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/**
 * The model as a FROM item aliased `model`. A SQL model is checked on its own, then wrapped on lines
 * of its own so a trailing `#` or `-- ` comment cannot swallow the rest of the statement (its LIMIT).
 */
async function buildFromItem(model: ModelQuery): Promise<string> {
  if (model.type === "table") return `${quoteIdent(model.schema)}.${quoteIdent(model.table)} AS model`;
  return `(\n${await checkModelSql(model.sql, "mysql")}\n) AS model`;
}

/** An integer written into the SQL: MySQL 8 refuses a prepared statement's LIMIT sent as a double. */
function clampLimit(limit: number): number {
  return Math.max(1, Math.min(100_000, Math.floor(limit)));
}

function describeFields(fields: FieldPacket[]): SourceColumn[] {
  return fields.map((f) => {
    const nativeType = readFieldType(f);
    return { name: f.name, nativeType, type: mapMysqlType(nativeType) };
  });
}

const UNSIGNED_FLAG = 32;
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * The placeholder for `after`. MySQL compares a number column with a string as doubles, so a key the
 * driver returned as a string (a DECIMAL, or a BIGINT beyond 2^53) is cast back to the column's type.
 */
function afterPlaceholder(field: FieldPacket | undefined): string {
  if (!field) return "?";
  const type = readFieldType(field);
  if (/int$/.test(type)) return typeof field.flags === "number" && field.flags & UNSIGNED_FLAG ? "CAST(? AS UNSIGNED)" : "CAST(? AS SIGNED)";
  if (type === "decimal") return `CAST(? AS DECIMAL(65, ${Math.min(30, field.decimals)}))`;
  return "?";
}

/**
 * Reads keyset pages in one session. A column's type, which the placeholder for a numeric-text value
 * needs, is described once per reader, on the first page that needs it.
 */
function createPageReading(query: MysqlQuery, from: string, keyColumn: string, since: ReadPageParams<unknown>["since"]) {
  const described = new Map<string, Promise<FieldPacket | undefined>>();
  const describe = (column: string) => {
    let field = described.get(column);
    if (!field) {
      field = query(`SELECT model.${quoteIdent(column)} FROM ${from} LIMIT 0`).then(({ fields }) => fields[0]);
      described.set(column, field);
    }
    return field;
  };
  const placeholderFor = async (column: string, value: unknown) => (typeof value === "string" && NUMERIC_TEXT.test(value) ? afterPlaceholder(await describe(column)) : "?");
  return async (after: unknown, limit: number) => {
    const afterSql = after === undefined ? "?" : await placeholderFor(keyColumn, after);
    const sinceSql = since ? { column: since.column, value: since.value, placeholder: await placeholderFor(since.column, since.value) } : undefined;
    const page = pageStatement(from, keyColumn, after, afterSql, sinceSql, limit);
    return (await query(page.sql, page.values)).rows;
  };
}

/**
 * The keyset page statement, the one place its conditions are written: rows with a non-null key from
 * `after` on (inclusive) and, when reading incrementally, with the tracked column past `since`, in key order.
 */
function pageStatement(
  from: string,
  keyColumn: string,
  after: unknown,
  afterPlaceholderSql: string,
  since: { column: string; value: unknown; placeholder: string } | undefined,
  limit: number,
): { sql: string; values: unknown[] } {
  const key = `model.${quoteIdent(keyColumn)}`;
  const values: unknown[] = [];
  const conditions: string[] = [];
  if (after === undefined) conditions.push(`${key} IS NOT NULL`);
  else {
    values.push(after);
    conditions.push(`${key} >= ${afterPlaceholderSql}`);
  }
  if (since) {
    values.push(since.value);
    conditions.push(`model.${quoteIdent(since.column)} > ${since.placeholder}`);
  }
  return { sql: `SELECT * FROM ${from} WHERE ${conditions.join(" AND ")} ORDER BY ${key} LIMIT ${clampLimit(limit)}`, values };
}

type CatalogRow = { table_schema: string; table_name: string; column_name: string; column_type: string };

export const mysqlConnector = {
  id: "mysql",
  kind: "source",
  label: "MySQL / MariaDB",
  description: "MySQL 8 and MariaDB 10.5+, including hosted ones (RDS, Aurora, PlanetScale, Cloud SQL). Reads tables or SQL queries in read-only transactions.",
  verified: true,
  configSchema: mysqlConfigSchema,

  async check({ config, signal }) {
    try {
      const { row, warning } = await withReadOnlySession(config, { timeoutMs: mysqlTimeouts.interactiveMs, signal }, async (query) => {
        const { rows } = await query("SELECT VERSION() AS version, DATABASE() AS db, CURRENT_USER() AS usr");
        const row = rows[0] as { version: string; db: string; usr: string };
        return { row, warning: await readPrivilegeWarning(query, row.db) };
      });
      const product = /mariadb/i.test(row.version) ? "MariaDB" : "MySQL";
      const version = /^[\d.]+/.exec(row.version)?.[0] ?? row.version;
      const message = `Connected to ${product} ${version} at ${config.host}:${config.port}, database "${row.db}" as ${row.usr}.`;
      return warning ? { ok: true, message, warning } : { ok: true, message };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  },

  async discover({ config, signal }) {
    return withReadOnlySession(config, { timeoutMs: mysqlTimeouts.interactiveMs, signal }, async (query) => {
      // Only the configured database: it is the one the user connected to and may read.
      const { rows } = await query(
        `SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.COLUMN_TYPE AS column_type
           FROM information_schema.COLUMNS c
          WHERE c.TABLE_SCHEMA = DATABASE()
          ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
      );
      const catalog: SourceCatalog = { schemas: [] };
      for (const r of rows as CatalogRow[]) {
        let schema = catalog.schemas.at(-1);
        if (schema?.name !== r.table_schema) catalog.schemas.push((schema = { name: r.table_schema, tables: [] }));
        let table = schema.tables.at(-1);
        if (table?.name !== r.table_name) schema.tables.push((table = { schema: r.table_schema, name: r.table_name, columns: [] }));
        table.columns.push({ name: r.column_name, nativeType: r.column_type, type: mapMysqlType(r.column_type) });
      }
      return catalog;
    });
  },

  async describeModel({ config, model, signal }) {
    const from = await buildFromItem(model);
    return withReadOnlySession(config, { timeoutMs: mysqlTimeouts.interactiveMs, signal }, async (query) => {
      const { fields } = await query(`SELECT * FROM ${from} LIMIT 0`);
      return describeFields(fields);
    });
  },

  async preview({ config, model, limit, signal }) {
    const from = await buildFromItem(model);
    return withReadOnlySession(config, { timeoutMs: mysqlTimeouts.interactiveMs, signal }, async (query) => {
      const { rows, fields } = await query(`SELECT * FROM ${from} LIMIT ${clampLimit(limit)}`);
      return { columns: describeFields(fields), rows };
    });
  },

  async countRows({ config, model, signal }) {
    const from = await buildFromItem(model);
    try {
      return await withReadOnlySession(config, { timeoutMs: mysqlTimeouts.interactiveMs, signal }, async (query) => {
        const { rows } = await query(`SELECT COUNT(*) AS n FROM ${from}`);
        return Number((rows[0] as { n: number | string }).n);
      });
    } catch (error) {
      // A count that outlives the interactive time limit is not cheap: the progress bar goes without.
      if (error instanceof SourceQueryError && error.options.code === STATEMENT_TIMEOUT_CODE) return null;
      throw error;
    }
  },

  async readPage({ config, model, keyColumn, after, since, limit, signal }) {
    const from = await buildFromItem(model);
    return withReadOnlySession(config, { timeoutMs: mysqlTimeouts.pageMs, signal }, (query) => createPageReading(query, from, keyColumn, since)(after, limit));
  },

  async openReader({ config, model, keyColumn, since, signal }) {
    const from = await buildFromItem(model);
    const session = await openReadOnlySession(config, { timeoutMs: mysqlTimeouts.pageMs, signal });
    const read = createPageReading((sql, values) => session.run((query) => query(sql, values)), from, keyColumn, since);
    return { readPage: ({ after, limit }) => read(after, limit), close: () => session.close() };
  },

  async readNullKeyRows({ config, model, keyColumn, limit, signal }) {
    const from = await buildFromItem(model);
    const key = `model.${quoteIdent(keyColumn)}`;
    return withReadOnlySession(config, { timeoutMs: mysqlTimeouts.pageMs, signal }, async (query) => {
      const { rows } = await query(`SELECT * FROM ${from} WHERE ${key} IS NULL LIMIT ${clampLimit(limit)}`);
      const count = await query(`SELECT COUNT(*) AS n FROM ${from} WHERE ${key} IS NULL`);
      return { rows, total: Number((count.rows[0] as { n: number | string }).n) };
    });
  },
} satisfies SourceConnector<MysqlConfig>;

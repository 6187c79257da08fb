/**
 * The SQL the Snowflake source runs. Identifiers are always double-quoted (Snowflake keeps quoted names
 * as written, and INFORMATION_SCHEMA reports them as stored); values travel as binds.
 */
import { checkModelSql } from "../read-only-sql/node-sql-parser";
import type { ColumnType, ModelQuery } from "../types";

export type BoundSql = { sqlText: string; binds: (string | number | boolean)[] };

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The model as a FROM item aliased `m`. A SQL model is checked by the parser first, then wrapped on
 * lines of its own so a trailing comment cannot swallow the rest of the statement.
 */
export async function buildModelSource(model: ModelQuery): Promise<string> {
  if (model.type === "table") return `${quoteIdentifier(model.schema)}.${quoteIdentifier(model.table)} AS m`;
  return `(\n${await checkModelSql(model.sql, "snowflake")}\n) AS m`;
}

function toLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit < 0) return 0;
  return Math.floor(limit);
}

/** A bind value for a key as an earlier page returned it (dates travel as ISO text; Snowflake casts on compare). */
export function toKeyBind(value: unknown): string | number | boolean {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  return String(value);
}

export async function buildReadPageSql(p: { model: ModelQuery; keyColumn: string; after?: unknown; since?: { column: string; value: unknown }; limit: number }): Promise<BoundSql> {
  const key = `m.${quoteIdentifier(p.keyColumn)}`;
  const hasAfter = p.after !== undefined && p.after !== null;
  const since = buildSinceCondition(p.since);
  return {
    sqlText: `SELECT * FROM ${await buildModelSource(p.model)} WHERE ${key} IS NOT NULL${hasAfter ? ` AND ${key} >= ?` : ""}${since.sql} ORDER BY ${key} LIMIT ${toLimit(p.limit)}`,
    binds: [...(hasAfter ? [toKeyBind(p.after)] : []), ...since.binds],
  };
}

/** Incremental reads: ` AND m.<column> > ?` and its bind; nothing without `since`. */
function buildSinceCondition(since: { column: string; value: unknown } | undefined): { sql: string; binds: ReturnType<typeof toKeyBind>[] } {
  if (!since) return { sql: "", binds: [] };
  return { sql: ` AND m.${quoteIdentifier(since.column)} > ?`, binds: [toKeyBind(since.value)] };
}

export async function buildPreviewSql(p: { model: ModelQuery; limit: number }): Promise<BoundSql> {
  return { sqlText: `SELECT * FROM ${await buildModelSource(p.model)} LIMIT ${toLimit(p.limit)}`, binds: [] };
}

/** Zero rows: Snowflake still reports the result's columns, so a SQL model is described without reading it. */
export async function buildDescribeSql(model: ModelQuery): Promise<BoundSql> {
  return buildPreviewSql({ model, limit: 0 });
}

export async function buildCountSql(p: { model: ModelQuery; nullKeyColumn?: string }): Promise<BoundSql> {
  const where = p.nullKeyColumn ? ` WHERE m.${quoteIdentifier(p.nullKeyColumn)} IS NULL` : "";
  return { sqlText: `SELECT COUNT(*) AS "N" FROM ${await buildModelSource(p.model)}${where}`, binds: [] };
}

export async function buildNullKeyRowsSql(p: { model: ModelQuery; keyColumn: string; limit: number }): Promise<BoundSql> {
  return {
    sqlText: `SELECT * FROM ${await buildModelSource(p.model)} WHERE m.${quoteIdentifier(p.keyColumn)} IS NULL LIMIT ${toLimit(p.limit)}`,
    binds: [],
  };
}

/** Every column of the configured database (optionally one schema, or one table), in table order. */
export function buildColumnsSql(p: { database: string; schema?: string; table?: string }): BoundSql {
  const conditions = ["TABLE_SCHEMA <> 'INFORMATION_SCHEMA'"];
  const binds: string[] = [];
  if (p.schema !== undefined) {
    conditions.push("TABLE_SCHEMA = ?");
    binds.push(p.schema);
  }
  if (p.table !== undefined) {
    conditions.push("TABLE_NAME = ?");
    binds.push(p.table);
  }
  return {
    sqlText:
      `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM ${quoteIdentifier(p.database)}.INFORMATION_SCHEMA.COLUMNS ` +
      `WHERE ${conditions.join(" AND ")} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    binds,
  };
}

export function buildStatementTimeoutSql(seconds: number): string {
  return `ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = ${Math.max(1, Math.floor(seconds))}`;
}

/**
 * Snowflake type names (INFORMATION_SCHEMA's DATA_TYPE, or the driver's lower-case column types such as
 * "fixed" and "timestamp_ntz") → logical column types.
 */
export function mapSnowflakeType(nativeType: string): ColumnType {
  const type = nativeType.toUpperCase().replace(/\(.*$/, "").trim();
  if (/^(NUMBER|DECIMAL|NUMERIC|INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT|FLOAT|FLOAT4|FLOAT8|DOUBLE|DOUBLE PRECISION|REAL|FIXED)$/.test(type)) {
    return "number";
  }
  if (/^(VARCHAR|CHAR|CHARACTER|STRING|TEXT|NVARCHAR|NCHAR|TIME)$/.test(type)) return "string";
  if (type === "BOOLEAN") return "boolean";
  if (/^(DATE|DATETIME|TIMESTAMP|TIMESTAMP_LTZ|TIMESTAMP_NTZ|TIMESTAMP_TZ)$/.test(type)) return "date";
  if (/^(VARIANT|OBJECT|ARRAY|MAP)$/.test(type)) return "json";
  return "unknown";
}

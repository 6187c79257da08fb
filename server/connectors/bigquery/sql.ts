/**
 * The GoogleSQL the BigQuery source runs. Identifiers are backtick-quoted; values travel as named
 * query parameters. A keyset position is bound as text and cast to the key column's type, because
 * keys come back from JSON state as strings while BigQuery does not coerce a STRING parameter.
 */
import { SourceQueryError } from "../errors";
import { checkModelSql } from "../read-only-sql/node-sql-parser";
import type { ColumnType, ModelQuery } from "../types";

export type BoundQuery = { query: string; params: Record<string, string> };

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;
}

/** The model as a FROM item aliased `m`; a table model names a dataset (its schema) of the project. */
export async function buildModelSource(model: ModelQuery, projectId: string): Promise<string> {
  if (model.type === "table") return `${quoteIdentifier(projectId)}.${quoteIdentifier(model.schema)}.${quoteIdentifier(model.table)} AS m`;
  // On lines of its own, so a trailing comment cannot swallow the rest of the statement.
  return `(\n${await checkModelSql(model.sql, "bigquery")}\n) AS m`;
}

function toLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit < 0) return 0;
  return Math.floor(limit);
}

/** Legacy (REST schema) type names → the GoogleSQL names CAST accepts; null for types a key cannot have. */
export function toCastType(nativeType: string): string | null {
  const type = nativeType.toUpperCase();
  const aliases: Record<string, string> = { INTEGER: "INT64", FLOAT: "FLOAT64", BOOLEAN: "BOOL" };
  const name = aliases[type] ?? type;
  return ["INT64", "FLOAT64", "NUMERIC", "BIGNUMERIC", "BOOL", "STRING", "DATE", "DATETIME", "TIME", "TIMESTAMP"].includes(name) ? name : null;
}

/** A key as text for the `after` parameter; timestamps in the ISO form BigQuery's CAST reads. */
export function toKeyText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export async function buildReadPageQuery(p: {
  model: ModelQuery;
  projectId: string;
  keyColumn: string;
  /** The key column's BigQuery type; needed only with `after`. */
  keyType?: string;
  after?: unknown;
  /** Incremental reads, with the change-tracking column's BigQuery type. */
  since?: { column: string; value: unknown; type: string };
  limit: number;
}): Promise<BoundQuery> {
  const key = `m.${quoteIdentifier(p.keyColumn)}`;
  const source = await buildModelSource(p.model, p.projectId);
  const hasAfter = p.after !== undefined && p.after !== null;
  let condition = "";
  const params: Record<string, string> = {};
  if (hasAfter) {
    const castType = toCastType(p.keyType ?? "");
    if (!castType) {
      throw new SourceQueryError(`Column "${p.keyColumn}" has type ${p.keyType ?? "unknown"}, which cannot be a sync key: choose a column of a scalar type (INT64, STRING, DATE, TIMESTAMP …).`);
    }
    condition = ` AND ${key} >= CAST(@after AS ${castType})`;
    params.after = toKeyText(p.after);
  }
  condition += buildSinceCondition(p.since, params);
  return { query: `SELECT * FROM ${source} WHERE ${key} IS NOT NULL${condition} ORDER BY ${key} LIMIT ${toLimit(p.limit)}`, params };
}

/** Incremental reads: ` AND m.<column> > CAST(@since AS <type>)`, its value added to `params`; nothing without `since`. */
function buildSinceCondition(since: { column: string; value: unknown; type: string } | undefined, params: Record<string, string>): string {
  if (!since) return "";
  const castType = toCastType(since.type);
  if (!castType) throw new SourceQueryError(`Column "${since.column}" has type ${since.type}, which cannot track changes: choose a DATE, DATETIME, TIMESTAMP or number column.`);
  params.since = toKeyText(since.value);
  return ` AND m.${quoteIdentifier(since.column)} > CAST(@since AS ${castType})`;
}

export async function buildPreviewQuery(p: { model: ModelQuery; projectId: string; limit: number }): Promise<BoundQuery> {
  return { query: `SELECT * FROM ${await buildModelSource(p.model, p.projectId)} LIMIT ${toLimit(p.limit)}`, params: {} };
}

/** Zero rows, so nothing is scanned or billed; the result still carries the schema. */
export async function buildDescribeQuery(p: { model: ModelQuery; projectId: string }): Promise<BoundQuery> {
  return buildPreviewQuery({ ...p, limit: 0 });
}

export async function buildCountQuery(p: { model: ModelQuery; projectId: string; nullKeyColumn?: string }): Promise<BoundQuery> {
  const where = p.nullKeyColumn ? ` WHERE m.${quoteIdentifier(p.nullKeyColumn)} IS NULL` : "";
  return { query: `SELECT COUNT(*) AS n FROM ${await buildModelSource(p.model, p.projectId)}${where}`, params: {} };
}

export async function buildNullKeyRowsQuery(p: { model: ModelQuery; projectId: string; keyColumn: string; limit: number }): Promise<BoundQuery> {
  return {
    query: `SELECT * FROM ${await buildModelSource(p.model, p.projectId)} WHERE m.${quoteIdentifier(p.keyColumn)} IS NULL LIMIT ${toLimit(p.limit)}`,
    params: {},
  };
}

/** Every column of one dataset, in table order (INFORMATION_SCHEMA is per dataset and location). */
export function buildDatasetColumnsQuery(p: { projectId: string; dataset: string }): BoundQuery {
  return {
    query:
      `SELECT table_name, column_name, data_type FROM ${quoteIdentifier(p.projectId)}.${quoteIdentifier(p.dataset)}.INFORMATION_SCHEMA.COLUMNS ` +
      "ORDER BY table_name, ordinal_position",
    params: {},
  };
}

/** BigQuery types (REST schema names or INFORMATION_SCHEMA data types) → logical column types. */
export function mapBigQueryType(nativeType: string): ColumnType {
  const type = nativeType.toUpperCase().replace(/[<(].*$/, "").trim();
  if (["INT64", "INTEGER", "FLOAT64", "FLOAT", "NUMERIC", "BIGNUMERIC", "DECIMAL", "BIGDECIMAL"].includes(type)) return "number";
  if (["STRING", "TIME"].includes(type)) return "string";
  if (["BOOL", "BOOLEAN"].includes(type)) return "boolean";
  if (["DATE", "DATETIME", "TIMESTAMP"].includes(type)) return "date";
  if (["JSON", "RECORD", "STRUCT", "ARRAY"].includes(type)) return "json";
  return "unknown";
}

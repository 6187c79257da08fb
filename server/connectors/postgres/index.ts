import type pg from "pg";
import { checkPostgresModelSql } from "../read-only-sql/postgres";
import type { ModelQuery, ReadPageParams, SourceCatalog, SourceColumn, SourceConnector } from "../types";
import { mapPostgresType } from "./column-types";
import { type PostgresConfig, postgresConfigSchema } from "./config";
import { readPrivilegeWarning } from "./privileges";
import { openReadOnlySession, type PostgresQuery, postgresTimeouts, readEndpoint, withReadOnlySession } from "./session";

export { postgresConfigSchema, type PostgresConfig } from "./config";
export { postgresTimeouts } from "./session";

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The model as a FROM item aliased `model`. A SQL model is checked on its own, then wrapped on lines
 * of its own so a trailing `--` comment cannot swallow the rest of the statement.
 */
async function buildFromItem(model: ModelQuery): Promise<string> {
  if (model.type === "table") return `${quoteIdent(model.schema)}.${quoteIdent(model.table)} AS model`;
  return `(\n${await checkPostgresModelSql(model.sql)}\n) AS model`;
}

/** Incremental reads: `model.<column> > $n`, its value appended to `params`; nothing without `since`. */
function buildSinceCondition(since: ReadPageParams<unknown>["since"], params: unknown[]): string[] {
  if (!since) return [];
  params.push(since.value);
  return [`model.${quoteIdent(since.column)} > $${params.length}`];
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(100_000, Math.floor(limit)));
}

/** Column names and types of a result, resolved through pg_type in the same session. */
async function describeFields(query: PostgresQuery, fields: pg.FieldDef[]): Promise<SourceColumn[]> {
  const oids = [...new Set(fields.map((f) => f.dataTypeID))];
  const { rows } = await query(
    `SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS native, t.typtype,
            format_type(CASE WHEN t.typbasetype = 0 THEN t.oid ELSE t.typbasetype END, NULL) AS base
       FROM pg_type t WHERE t.oid = ANY($1::oid[])`,
    [oids],
  );
  const byOid = new Map(rows.map((r: { oid: number; native: string; typtype: string; base: string }) => [r.oid, r]));
  return fields.map((f) => {
    const t = byOid.get(f.dataTypeID);
    return { name: f.name, nativeType: t?.native ?? String(f.dataTypeID), type: t ? mapPostgresType(t.base, t.typtype) : "unknown" };
  });
}

async function describeModel(query: PostgresQuery, from: string): Promise<SourceColumn[]> {
  const result = await query(`SELECT * FROM ${from} LIMIT 0`);
  return describeFields(query, result.fields);
}

/**
 * The keyset page statement, the one place its conditions are written: rows with a non-null key from
 * `after` on (inclusive) and past `since` when reading incrementally, in key order. The parameter is sent untyped, so PostgreSQL reads it as the
 * key column's own type.
 */
function pageStatement(from: string, keyColumn: string, after: unknown, since: ReadPageParams<unknown>["since"], limit: number): { text: string; values: unknown[] } {
  const key = `model.${quoteIdent(keyColumn)}`;
  const values: unknown[] = [];
  const conditions: string[] = [];
  if (after === undefined) conditions.push(`${key} IS NOT NULL`);
  else {
    values.push(after);
    conditions.push(`${key} >= $${values.length}`);
  }
  conditions.push(...buildSinceCondition(since, values));
  values.push(clampLimit(limit));
  return { text: `SELECT * FROM ${from} WHERE ${conditions.join(" AND ")} ORDER BY ${key} LIMIT $${values.length}`, values };
}

type CatalogRow = { table_schema: string; table_name: string; column_name: string; native: string; typtype: string; base: string };

export const postgresConnector = {
  id: "postgres",
  kind: "source",
  label: "PostgreSQL",
  description: "PostgreSQL and compatible databases (Amazon Redshift and other Redshift-compatible endpoints, Supabase, Neon, RDS). Reads tables or SQL queries in read-only transactions.",
  verified: true,
  configSchema: postgresConfigSchema,

  async check({ config, signal }) {
    try {
      const { row, warning } = await withReadOnlySession(config, { timeoutMs: postgresTimeouts.interactiveMs, signal }, async (query) => {
        const { rows } = await query("SELECT current_user AS usr, current_database() AS db, version() AS version");
        const row = rows[0] as { usr: string; db: string; version: string };
        // Servers that only resemble PostgreSQL (Redshift) may lack a catalog function: no warning then.
        const warning = await readPrivilegeWarning(query, row.db).catch(() => undefined);
        return { row, warning };
      });
      const version = /^\S+ [\d.]+/.exec(row.version)?.[0] ?? "PostgreSQL";
      const { host, port } = readEndpoint(config);
      const message = `Connected to ${version} at ${host}:${port}, database "${row.db}" as user "${row.usr}".`;
      return warning ? { ok: true, message, warning } : { ok: true, message };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  },

  async discover({ config, signal }) {
    return withReadOnlySession(config, { timeoutMs: postgresTimeouts.interactiveMs, signal }, async (query) => {
      // information_schema lists only what the user may see; pg_type supplies the exact type names.
      const { rows } = await query(
        `SELECT c.table_schema, c.table_name, c.column_name,
                format_type(t.oid, NULL) AS native, t.typtype,
                format_type(CASE WHEN t.typbasetype = 0 THEN t.oid ELSE t.typbasetype END, NULL) AS base
           FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
           JOIN pg_namespace n ON n.nspname = c.udt_schema
           JOIN pg_type t ON t.typnamespace = n.oid AND t.typname = c.udt_name
          WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg\\_%'
          ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
      );
      const catalog: SourceCatalog = { schemas: [] };
      for (const r of rows as CatalogRow[]) {
        let schema = catalog.schemas.at(-1);
        if (schema?.name !== r.table_schema) catalog.schemas.push((schema = { name: r.table_schema, tables: [] }));
        let table = schema.tables.at(-1);
        if (table?.name !== r.table_name) schema.tables.push((table = { schema: r.table_schema, name: r.table_name, columns: [] }));
        table.columns.push({ name: r.column_name, nativeType: r.native, type: mapPostgresType(r.base, r.typtype) });
      }
      return catalog;
    });
  },

  async describeModel({ config, model, signal }) {
    const from = await buildFromItem(model);
    return withReadOnlySession(config, { timeoutMs: postgresTimeouts.interactiveMs, signal }, (query) => describeModel(query, from));
  },

  async preview({ config, model, limit, signal }) {
    const from = await buildFromItem(model);
    return withReadOnlySession(config, { timeoutMs: postgresTimeouts.interactiveMs, signal }, async (query) => {
      const result = await query(`SELECT * FROM ${from} LIMIT $1`, [clampLimit(limit)]);
      return { columns: await describeFields(query, result.fields), rows: result.rows };
    });
  },

  async countRows({ config, model, signal }) {
    const from = await buildFromItem(model);
    try {
      return await withReadOnlySession(config, { timeoutMs: postgresTimeouts.interactiveMs, signal }, async (query) => {
        const { rows } = await query(`SELECT count(*)::text AS n FROM ${from}`);
        return Number((rows[0] as { n: string }).n);
      });
    } catch (error) {
      // A count that outlives the interactive timeout is not cheap: the progress bar goes without.
      if ((error as { options?: { code?: string } }).options?.code === "57014") return null;
      throw error;
    }
  },

  async readPage({ config, model, keyColumn, after, since, limit, signal }) {
    const from = await buildFromItem(model);
    return withReadOnlySession(config, { timeoutMs: postgresTimeouts.pageMs, signal }, async (query) => {
      const page = pageStatement(from, keyColumn, after, since, limit);
      return (await query(page.text, page.values)).rows;
    });
  },

  async openReader({ config, model, keyColumn, since, signal }) {
    const from = await buildFromItem(model);
    const session = await openReadOnlySession(config, { timeoutMs: postgresTimeouts.pageMs, signal });
    return {
      readPage: ({ after, limit }) =>
        session.run(async (query) => {
          const page = pageStatement(from, keyColumn, after, since, limit);
          return (await query(page.text, page.values)).rows;
        }),
      close: () => session.close(),
    };
  },

  async readNullKeyRows({ config, model, keyColumn, limit, signal }) {
    const from = await buildFromItem(model);
    const key = `model.${quoteIdent(keyColumn)}`;
    return withReadOnlySession(config, { timeoutMs: postgresTimeouts.pageMs, signal }, async (query) => {
      const { rows } = await query(`SELECT * FROM ${from} WHERE ${key} IS NULL LIMIT $1`, [clampLimit(limit)]);
      const count = await query(`SELECT count(*)::text AS n FROM ${from} WHERE ${key} IS NULL`);
      return { rows, total: Number((count.rows[0] as { n: string }).n) };
    });
  },
} satisfies SourceConnector<PostgresConfig>;

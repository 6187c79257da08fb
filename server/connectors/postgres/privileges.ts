/**
 * What the Test reports about the source user's rights. Models run read-only whatever the user may
 * do, but a function can act outside a read-only transaction (dblink, lo_export, server files), so
 * the guarantee for those is a user that may only read: this says so when the user may do more.
 */
import type { PostgresQuery } from "./session";

type PrivilegeRow = {
  usr: string;
  superuser: boolean;
  server_files: boolean;
  create_database: boolean;
  create_schemas: string[] | null;
  writable_tables: number;
  writable_example: string | null;
  version_num: number;
};

const READER = "tidewater_reader";

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The one-line statements that create a user who may only read (PostgreSQL 14+ has pg_read_all_data). */
export function buildReadOnlyUserSql(versionNum: number, database: string): string {
  if (versionNum >= 140000) return `CREATE ROLE ${READER} LOGIN PASSWORD '…'; GRANT pg_read_all_data TO ${READER};`;
  return (
    `CREATE ROLE ${READER} LOGIN PASSWORD '…'; GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${READER}; ` +
    `GRANT USAGE ON SCHEMA public TO ${READER}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READER};`
  );
}

export async function readPrivilegeWarning(query: PostgresQuery, database: string): Promise<string | undefined> {
  const { rows } = await query(
    `WITH tables AS (
       SELECT format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
          AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
               OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')))
     SELECT current_user::text AS usr,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
            COALESCE((SELECT bool_or(pg_has_role(current_user, oid, 'MEMBER')) FROM pg_roles
                       WHERE rolname IN ('pg_write_server_files', 'pg_execute_server_program')), false) AS server_files,
            has_database_privilege(current_database(), 'CREATE') AS create_database,
            (SELECT array_agg(nspname::text ORDER BY nspname) FROM pg_namespace
              WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
                AND has_schema_privilege(oid, 'CREATE')) AS create_schemas,
            (SELECT count(*)::int FROM tables) AS writable_tables,
            (SELECT min(name) FROM tables) AS writable_example,
            current_setting('server_version_num')::int AS version_num`,
  );
  const row = rows[0] as PrivilegeRow;
  const rights: string[] = [];
  if (row.superuser) rights.push("is a superuser");
  if (row.server_files) rights.push("may write the server's files or run programs on it");
  if (row.writable_tables > 0) {
    rights.push(`may change ${row.writable_tables === 1 ? "1 table" : `${row.writable_tables} tables`} (${row.writable_example}${row.writable_tables > 1 ? " …" : ""})`);
  }
  const creates = [...(row.create_schemas ?? []).map((s) => `schema ${s}`), ...(row.create_database ? [`database ${database}`] : [])];
  if (creates.length) rights.push(`may create objects in ${creates.join(" and ")}`);
  if (!rights.length) return undefined;
  return (
    `User "${row.usr}" ${rights.join(", ")}. Models run in read-only transactions, but functions can act outside them; ` +
    `connect with a user that may only read. Create one with:\n${buildReadOnlyUserSql(row.version_num, database)}`
  );
}

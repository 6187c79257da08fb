/**
 * What the Test reports about the source user's rights. Models run in a read-only transaction, but
 * INTO OUTFILE, LOAD_FILE and UDFs act outside it, so the guarantee for those is a user with SELECT
 * only: this says so when the user may do more. Privileges held through roles are not listed here.
 */
import type { MysqlQuery } from "./session";

/** Rights beyond reading: on the server's files, over the server, or to change data and schema. */
const RISKY_PRIVILEGES = [
  "FILE",
  "SUPER",
  "CREATE USER",
  "SHUTDOWN",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "DROP",
  "ALTER",
  "INDEX",
  "CREATE VIEW",
  "TRIGGER",
  "CREATE ROUTINE",
  "ALTER ROUTINE",
  "EVENT",
];

const READER = "'tidewater_reader'@'%'";

function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

export function buildReadOnlyUserSql(database: string): string {
  return `CREATE USER ${READER} IDENTIFIED BY '…'; GRANT SELECT ON ${quoteIdent(database)}.* TO ${READER};`;
}

type GrantRow = { privilege: string; scope: "global" | "schema" | "table"; target: string | null; usr: string };

export async function readPrivilegeWarning(query: MysqlQuery, database: string): Promise<string | undefined> {
  const placeholders = RISKY_PRIVILEGES.map(() => "?").join(", ");
  // CURRENT_USER() is user@host; information_schema names grantees as 'user'@'host'.
  const grantee = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";
  const { rows } = await query(
    `SELECT PRIVILEGE_TYPE AS privilege, 'global' AS scope, NULL AS target, CURRENT_USER() AS usr FROM information_schema.USER_PRIVILEGES
      WHERE GRANTEE = ${grantee} AND PRIVILEGE_TYPE IN (${placeholders})
     UNION ALL
     SELECT PRIVILEGE_TYPE, 'schema', TABLE_SCHEMA, CURRENT_USER() FROM information_schema.SCHEMA_PRIVILEGES
      WHERE GRANTEE = ${grantee} AND PRIVILEGE_TYPE IN (${placeholders})
     UNION ALL
     SELECT PRIVILEGE_TYPE, 'table', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), CURRENT_USER() FROM information_schema.TABLE_PRIVILEGES
      WHERE GRANTEE = ${grantee} AND PRIVILEGE_TYPE IN (${placeholders})`,
    [...RISKY_PRIVILEGES, ...RISKY_PRIVILEGES, ...RISKY_PRIVILEGES],
  );
  const grants = rows as GrantRow[];
  if (!grants.length) return undefined;
  const global = [...new Set(grants.filter((g) => g.scope === "global").map((g) => g.privilege))];
  const scoped = [...new Set(grants.filter((g) => g.scope !== "global").map((g) => `${g.privilege} on ${g.target}`))];
  const rights = [
    ...(global.length ? [`holds ${global.join(", ")} on the whole server`] : []),
    ...(scoped.length ? [`holds ${scoped.slice(0, 5).join(", ")}${scoped.length > 5 ? " …" : ""}`] : []),
  ];
  return (
    `User ${grants[0]!.usr} ${rights.join(" and ")}. Models run in read-only transactions, but INTO OUTFILE, LOAD_FILE and ` +
    `functions can act outside them; connect with a user that may only read. Create one with:\n${buildReadOnlyUserSql(database)}`
  );
}

/**
 * Classifies a PostgreSQL model with PostgreSQL's own parser (libpg-query), so dollar quotes, E'…'
 * and U&'…' strings and nested comments are read exactly as the server reads them. This is the
 * friendly first line that explains a refusal; what makes a model read-only is the session: one
 * statement per protocol message inside a READ ONLY transaction (see postgres/session.ts).
 */
import type { ParseResult } from "libpg-query";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";

let parser: Promise<typeof import("libpg-query")> | undefined;

/** PostgreSQL's parser (a WebAssembly build) is loaded on the first SQL model, not with every connector. */
function loadParser(): Promise<typeof import("libpg-query")> {
  parser ??= import("libpg-query");
  return parser;
}

/** Statements that change data, wherever they appear (a WITH … AS (INSERT … RETURNING) is one). */
const WRITE_NODES: Record<string, string> = { InsertStmt: "INSERT", UpdateStmt: "UPDATE", DeleteStmt: "DELETE", MergeStmt: "MERGE" };

/**
 * Functions that act outside the transaction (other sessions, the server's files, other databases),
 * which READ ONLY cannot stop. Refusing the well-known ones gives a clear message; the guarantee for
 * functions is a source user without the rights to run them (the connection Test warns otherwise).
 */
const OUTSIDE_TRANSACTION_FUNCTIONS = new Set([
  "pg_terminate_backend",
  "pg_cancel_backend",
  "pg_reload_conf",
  "pg_rotate_logfile",
  "pg_promote",
  "pg_switch_wal",
  "pg_create_restore_point",
  "pg_read_file",
  "pg_read_binary_file",
  "pg_ls_dir",
  "pg_stat_file",
  "pg_file_write",
  "lo_import",
  "lo_export",
  "dblink",
  "dblink_exec",
  "dblink_connect",
  "dblink_send_query",
  "set_config",
]);

/** `CreateTableAsStmt` → "a CREATE TABLE AS statement". */
function describeStatement(nodeType: string): string {
  const words = nodeType.replace(/Stmt$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase();
  return `${/^[AEIOU]/.test(words) ? "an" : "a"} ${words} statement`;
}

function refuse(reason: string): never {
  throw new ReadOnlyViolationError(`Models are read-only: ${reason}`);
}

function inspect(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) inspect(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    const write = WRITE_NODES[key];
    if (write) refuse(`a WITH query may only contain SELECTs, and this one contains ${write}. Remove the data-modifying part.`);
    if (key === "intoClause") refuse("SELECT … INTO creates a table. Remove the INTO clause and select the rows instead.");
    if (key === "lockingClause") refuse("FOR UPDATE/NO KEY UPDATE/SHARE/KEY SHARE locks rows. Remove the locking clause.");
    if (key === "FuncCall") {
      const names = (value as { funcname?: { String?: { sval?: string } }[] }).funcname ?? [];
      const name = names.at(-1)?.String?.sval?.toLowerCase();
      if (name && OUTSIDE_TRANSACTION_FUNCTIONS.has(name)) {
        refuse(`${name}() acts outside the query's read-only transaction, so a model may not call it.`);
      }
    }
    inspect(value);
  }
}

/**
 * Returns the one SELECT / WITH … SELECT / VALUES / TABLE statement of `sql`, without a trailing
 * semicolon, ready to be wrapped as a subquery; throws ReadOnlyViolationError for anything else and
 * SourceQueryError with PostgreSQL's own words for a syntax error.
 */
export async function checkPostgresModelSql(sql: string): Promise<string> {
  if (!sql.trim()) refuse("the query is empty. Write one SELECT or WITH statement.");
  const { parse } = await loadParser();
  let tree: ParseResult;
  try {
    tree = await parse(sql);
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (error instanceof Error ? error.message : String(error));
    const at = details?.cursorPosition !== undefined ? ` (at character ${details.cursorPosition + 1})` : "";
    throw new SourceQueryError(`The query is not valid PostgreSQL: ${message}${at}.`);
  }
  const statements = tree.stmts ?? [];
  if (statements.length === 0) refuse("the query is empty. Write one SELECT or WITH statement.");
  if (statements.length > 1) {
    refuse(`a model is one statement, and this query has ${statements.length}. Remove everything after the first ';'.`);
  }
  const [only] = statements as { stmt?: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[];
  const nodeType = Object.keys(only?.stmt ?? {})[0] ?? "unknown";
  if (nodeType !== "SelectStmt") {
    refuse(`only SELECT or WITH … SELECT queries are allowed, and this is ${describeStatement(nodeType)}.`);
  }
  inspect(only!.stmt);
  // Locations are byte offsets into the UTF-8 text; the slice drops a trailing ';' and what follows it.
  const bytes = Buffer.from(sql, "utf8");
  const start = only!.stmt_location ?? 0;
  const end = only!.stmt_len ? start + only!.stmt_len : bytes.length;
  return bytes.subarray(start, end).toString("utf8").trim();
}

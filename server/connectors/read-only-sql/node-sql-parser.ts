/**
 * Classifies a MySQL/MariaDB, Snowflake or BigQuery model with node-sql-parser. Where its reading of
 * the text could differ from the server's, the model is refused rather than guessed at: MySQL's
 * executable comments (`/*! … *\/`, MariaDB's `/*M! … *\/`) and `--` without a following space, which
 * the parser takes for comments and the server does not. SQL the parser cannot read is refused too,
 * since only SQL that was seen to be one SELECT runs. What makes a model read-only is still the server
 * (one statement per request, a READ ONLY transaction where the database has one, the user's rights).
 */
import type { Parser } from "node-sql-parser";
import { ReadOnlyViolationError } from "../errors";

export type SqlDialect = "mysql" | "snowflake" | "bigquery";

type ParserModule = typeof import("node-sql-parser/build/mysql.js");

/**
 * One grammar per database, each from the package's single-dialect build and loaded on first use: the
 * package's main file holds every grammar it knows, which costs each process tens of megabytes.
 * Literal paths, so the bundler sees each one.
 */
const PARSER_BUILDS = {
  MariaDB: () => import("node-sql-parser/build/mariadb.js"),
  MySQL: () => import("node-sql-parser/build/mysql.js"),
  Snowflake: () => import("node-sql-parser/build/snowflake.js"),
  BigQuery: () => import("node-sql-parser/build/bigquery.js"),
} satisfies Record<string, () => Promise<ParserModule>>;

type ParserDatabase = keyof typeof PARSER_BUILDS;

const PARSER_DATABASES: Record<SqlDialect, ParserDatabase[]> = {
  // MariaDB's grammar first, then MySQL's (it knows LOCK IN SHARE MODE): the server is one or the other.
  mysql: ["MariaDB", "MySQL"],
  snowflake: ["Snowflake"],
  bigquery: ["BigQuery"],
};

const DIALECT_LABELS: Record<SqlDialect, string> = { mysql: "MySQL/MariaDB", snowflake: "Snowflake", bigquery: "BigQuery" };

/** Statement types of node-sql-parser's AST other than select. */
const STATEMENT_TYPES = new Set([
  "insert",
  "replace",
  "update",
  "delete",
  "merge",
  "create",
  "drop",
  "alter",
  "truncate",
  "rename",
  "call",
  "set",
  "lock",
  "unlock",
  "grant",
  "revoke",
  "use",
  "show",
  "desc",
  "explain",
  "transaction",
  "load_data",
  "declare",
  "exec",
]);

/** Functions that reach outside the query (the server's files, the operating system). */
const OUTSIDE_QUERY_FUNCTIONS = new Set(["load_file", "sys_exec", "sys_eval"]);

const parsers = new Map<ParserDatabase, Promise<Parser>>();

function loadParser(database: ParserDatabase): Promise<Parser> {
  let parser = parsers.get(database);
  if (!parser) {
    // CommonJS builds: Node's ESM loader offers their exports only on the default import.
    parser = PARSER_BUILDS[database]().then((mod) => new ((mod as { default?: ParserModule }).default ?? mod).Parser());
    parsers.set(database, parser);
  }
  return parser;
}

function refuse(reason: string): never {
  throw new ReadOnlyViolationError(`Models are read-only: ${reason}`);
}

function functionName(node: Record<string, unknown>): string | undefined {
  const name = node.name as { name?: { value?: unknown }[] } | string | undefined;
  if (typeof name === "string") return name.toLowerCase();
  const last = name?.name?.at(-1)?.value;
  return typeof last === "string" ? last.toLowerCase() : undefined;
}

function inspect(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) inspect(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  if (typeof record.type === "string" && STATEMENT_TYPES.has(record.type)) {
    refuse(`a model may only contain SELECTs, and this one contains ${record.type.toUpperCase()}.`);
  }
  const into = record.into as { position?: unknown; keyword?: unknown } | null | undefined;
  if (into && typeof into === "object" && (into.position || into.keyword)) {
    refuse("SELECT … INTO (OUTFILE, DUMPFILE or @variables) writes outside the result. Remove the INTO clause.");
  }
  if (record.locking_read) refuse("FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE locks rows. Remove the locking clause.");
  if (record.type === "function") {
    const name = functionName(record);
    if (name && OUTSIDE_QUERY_FUNCTIONS.has(name)) refuse(`${name.toUpperCase()}() reaches outside the database, so a model may not call it.`);
  }
  for (const value of Object.values(record)) inspect(value);
}

/** Refuses text the parser would read differently from a MySQL or MariaDB server. */
function refuseAmbiguousMysqlText(sql: string): void {
  if (/\/\*M?!/.test(sql)) {
    refuse("executable comments (/*! … */ or /*M! … */) run as SQL on the server, so they are not accepted. Remove them, or write the text inside them as plain SQL.");
  }
  if (/--(?![ \t\r\n\f\v])/.test(sql)) {
    refuse("MySQL reads '--' as a comment only when a space follows it. Write '-- ' (with a space) for a comment, or '- -' for two minus signs, also inside strings.");
  }
}

async function parseAll(sql: string, dialect: SqlDialect): Promise<{ statements: unknown[]; parser: Parser; database: string }> {
  let lastError: unknown;
  for (const database of PARSER_DATABASES[dialect]) {
    const parser = await loadParser(database);
    try {
      const ast = parser.astify(sql, { database });
      return { statements: Array.isArray(ast) ? ast : [ast], parser, database };
    } catch (error) {
      lastError = error;
    }
  }
  const detail = (lastError instanceof Error ? lastError.message : String(lastError)).split("\n")[0]!.slice(0, 200);
  refuse(
    `Tidewater runs only SQL it can verify is a single SELECT, and its ${DIALECT_LABELS[dialect]} parser could not read this query (${detail}). ` +
      "Simplify the query, or create a view in the database and select from it.",
  );
}

/**
 * Returns the one SELECT / WITH … SELECT of `sql` without a trailing semicolon, ready to be wrapped as
 * a subquery; throws ReadOnlyViolationError for anything else.
 */
export async function checkModelSql(sql: string, dialect: SqlDialect): Promise<string> {
  const text = sql.trim();
  if (!text) refuse("the query is empty. Write one SELECT or WITH statement.");
  if (dialect === "mysql") refuseAmbiguousMysqlText(text);
  const parsed = await parseAll(text, dialect);
  const statements = parsed.statements.filter((s) => s !== null && s !== undefined);
  if (statements.length === 0) refuse("the query is empty. Write one SELECT or WITH statement.");
  if (statements.length > 1) refuse(`a model is one statement, and this query has ${statements.length}. Remove everything after the first ';'.`);
  const type = (statements[0] as { type?: unknown }).type;
  if (type !== "select") refuse(`only SELECT or WITH … SELECT queries are allowed, and this one is ${String(type ?? "something else").toUpperCase()}.`);
  inspect(statements[0]);
  return dropFinalSemicolon(text, parsed, statements[0]);
}

/**
 * The statement without its final `;` (and any comment after it), which would break the subquery it
 * is wrapped in. The parser decides which `;` that is: the text before it must read as the same
 * single statement.
 */
function dropFinalSemicolon(text: string, { parser, database }: { parser: Parser; database: string }, statement: unknown): string {
  const expected = JSON.stringify(statement);
  let end = text.length;
  for (let tries = 0; tries < 20; tries++) {
    end = text.lastIndexOf(";", end - 1);
    if (end < 0) break;
    const candidate = text.slice(0, end).trimEnd();
    try {
      const ast = parser.astify(candidate, { database });
      if (!Array.isArray(ast) && JSON.stringify(ast) === expected) return candidate;
    } catch {
      // the ';' was inside a string or comment: try the one before it
    }
  }
  return text;
}

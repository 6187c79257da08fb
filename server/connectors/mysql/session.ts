/**
 * One short-lived connection per call: a statement time limit, a READ ONLY transaction, a rollback at
 * the end. Errors become messages a user can act on, naming host and user but never the password.
 */
import type { Connection, FieldPacket } from "mysql2/promise";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { toNetworkError } from "../network-errors";
import { keepSession, withSession, type KeptSession, type SqlSession } from "../read-only-session";
import { isTransientMysqlErrno } from "../transient-errors";
import type { MysqlConfig } from "./config";

/** Statement time limits in milliseconds; mutable so tests can shorten them. */
export const mysqlTimeouts = {
  /** Keyset pages during a run. */
  pageMs: 60_000,
  /** check, discover, describe, preview and counts: a person is waiting. */
  interactiveMs: 15_000,
  connectMs: 10_000,
};

type DriverError = Error & { code?: string; errno?: number; errors?: DriverError[] };


// Server error numbers: MariaDB's max_statement_time, MySQL's max_execution_time, KILL QUERY.
const TIMEOUT_ERRNOS = new Set([1969, 3024]);
const READ_ONLY_ERRNO = 1792;
const UNKNOWN_VARIABLE_ERRNO = 1193;

/** The code of the SourceQueryError for a query cut off by the time limit. */
export const STATEMENT_TIMEOUT_CODE = "STATEMENT_TIMEOUT";

export function translateMysqlError(error: unknown, config: MysqlConfig, timeoutMs: number): Error {
  if (error instanceof ReadOnlyViolationError || error instanceof SourceQueryError) return error;
  const e = error as DriverError;
  const where = `${config.host}:${config.port}`;
  const code = e.code ?? e.errors?.[0]?.code;
  // Secrets are scrubbed once, where errors leave the connector (../redact-secrets.ts).
  const message = e.message ?? String(error);
  const network = toNetworkError(code, where, error);
  if (network) return network;
  if (code === "ER_ACCESS_DENIED_ERROR") {
    return new SourceQueryError(`${where} rejected the user name or password for user ${config.user}.`, { code, cause: error });
  }
  if (code === "ER_DBACCESS_DENIED_ERROR") {
    return new SourceQueryError(`User ${config.user} may not use the database "${config.database}" on ${where}.`, { code, cause: error });
  }
  if (code === "ER_BAD_DB_ERROR") {
    return new SourceQueryError(`The database "${config.database}" does not exist on ${where}.`, { code, cause: error });
  }
  if (e.errno !== undefined && TIMEOUT_ERRNOS.has(e.errno)) {
    return new SourceQueryError(`The query ran longer than ${timeoutMs / 1000} s and was cancelled (statement time limit).`, {
      code: STATEMENT_TIMEOUT_CODE,
      transient: true,
      cause: error,
    });
  }
  if (e.errno === READ_ONLY_ERRNO) return new ReadOnlyViolationError(`Models are read-only, and the database refused this one: ${message}`);
  if (code === "ETIMEDOUT" || /connect ETIMEDOUT/.test(message)) {
    return new SourceQueryError(`Could not connect to ${where}: no answer within ${mysqlTimeouts.connectMs / 1000} s.`, { code, transient: true, cause: error });
  }
  if (/ssl|certificate|self.signed/i.test(message) && !e.errno) {
    return new SourceQueryError(`Could not open a secure connection to ${where}: ${message}`, { code, cause: error });
  }
  return new SourceQueryError(message, { code, transient: isTransientMysqlErrno(e.errno), cause: error });
}

type MysqlDriver = typeof import("mysql2/promise");

let driver: Promise<MysqlDriver> | undefined;

/** Loaded on first use: a process that never reads MySQL does not carry the driver. */
function loadDriver(): Promise<MysqlDriver> {
  driver ??= import("mysql2/promise").then((mod) => (mod as { default?: MysqlDriver }).default ?? mod);
  return driver;
}

async function openConnection(config: MysqlConfig): Promise<Connection> {
  const mysql = await loadDriver();
  return mysql.createConnection({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password ?? "",
    ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
    connectTimeout: mysqlTimeouts.connectMs,
    // One statement per request: without this capability the server itself refuses `…; COMMIT; …`.
    multipleStatements: false,
    // Exact integers beyond 2^53 come back as strings instead of rounded numbers.
    supportBigNumbers: true,
    // Naive DATETIMEs are read as UTC, and the session's time zone matches, so TIMESTAMPs are exact instants.
    timezone: "Z",
    typeCast(field, next) {
      // TINYINT(1) is MySQL's BOOLEAN.
      if (field.type === "TINY" && field.length === 1) {
        const value = field.string();
        return value === null ? null : value !== "0";
      }
      return next();
    },
  });
}

/** Sets the per-statement time limit, whichever way the server spells it. */
async function limitStatementTime(connection: Connection, timeoutMs: number): Promise<void> {
  try {
    await connection.query("SET SESSION max_statement_time = ?", [timeoutMs / 1000]);
  } catch (error) {
    if ((error as DriverError).errno !== UNKNOWN_VARIABLE_ERRNO) throw error;
    await connection.query("SET SESSION max_execution_time = ?", [Math.max(1, Math.round(timeoutMs))]);
  }
}

/**
 * Makes the server read strings the way the model's parser did: backslash escapes on, and "…" a
 * string rather than an identifier. A session that would still differ (sql_mode ANSI, ORACLE, MSSQL) is refused.
 */
async function readQuotesAsTheParserDoes(connection: Connection): Promise<void> {
  await connection.query(
    "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(REPLACE(REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', ''), 'ANSI_QUOTES', ''), ',,', ','))",
  );
  const [rows] = await connection.query("SELECT @@SESSION.sql_mode AS mode");
  const mode = String((rows as { mode?: unknown }[])[0]?.mode ?? "");
  // ORACLE and MSSQL modes (MariaDB) change how the server reads the text, too.
  if (/ANSI_QUOTES|NO_BACKSLASH_ESCAPES|ORACLE|MSSQL/.test(mode)) {
    throw new SourceQueryError(
      `The server's sql_mode (${mode}) makes it read SQL differently from the checks Tidewater runs: remove ANSI, ANSI_QUOTES, ORACLE and MSSQL from the user's default sql_mode.`,
    );
  }
}

async function killQuery(config: MysqlConfig, threadId: number): Promise<void> {
  let connection: Connection | undefined;
  try {
    connection = await openConnection(config);
    await connection.query(`KILL QUERY ${Number(threadId)}`);
  } catch {
    // best effort: the statement time limit still bounds the query
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

export type MysqlQuery = (sql: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[]; fields: FieldPacket[] }>;

/** An open read-only session: raw (untranslated) statements until `close`, which rolls back and disconnects. */
type OpenSession = SqlSession<MysqlQuery>;

async function openSession(config: MysqlConfig, options: { timeoutMs: number; signal?: AbortSignal }): Promise<OpenSession> {
  options.signal?.throwIfAborted();
  let connection: Connection | undefined;
  const onAbort = () => {
    if (connection) void killQuery(config, connection.threadId);
  };
  const end = async () => {
    options.signal?.removeEventListener("abort", onAbort);
    await connection?.end().catch(() => undefined);
  };
  try {
    connection = await openConnection(config);
    // A dropped idle connection emits 'error'; without a listener that would crash the process.
    connection.on("error", () => undefined);
    options.signal?.throwIfAborted();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    await connection.query("SET SESSION time_zone = '+00:00'");
    await limitStatementTime(connection, options.timeoutMs);
    await readQuotesAsTheParserDoes(connection);
    await connection.query("START TRANSACTION READ ONLY");
  } catch (error) {
    await end();
    throw error;
  }
  const open = connection;
  return {
    async query(sql, values) {
      // A prepared statement is one statement by protocol, and its values never become SQL text.
      const [rows, fields] = await open.execute({ sql, values: values ?? [] });
      return { rows: rows as Record<string, unknown>[], fields: fields as FieldPacket[] };
    },
    async close() {
      try {
        await open.query("ROLLBACK");
      } finally {
        await end();
      }
    },
  };
}

export function withReadOnlySession<T>(config: MysqlConfig, options: { timeoutMs: number; signal?: AbortSignal }, work: (query: MysqlQuery) => Promise<T>): Promise<T> {
  return withSession(sessionDriver(config, options), work);
}

/**
 * A session kept open across calls (a run step's pages): one connection and one READ ONLY transaction
 * whose time limit bounds each statement. Errors come out translated, as from withReadOnlySession.
 */
export function openReadOnlySession(config: MysqlConfig, options: { timeoutMs: number; signal?: AbortSignal }): Promise<KeptSession<MysqlQuery>> {
  return keepSession(sessionDriver(config, options));
}

function sessionDriver(config: MysqlConfig, options: { timeoutMs: number; signal?: AbortSignal }) {
  return { open: () => openSession(config, options), translate: (error: unknown) => translateMysqlError(error, config, options.timeoutMs), signal: options.signal };
}

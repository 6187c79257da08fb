/**
 * One connection per call (or per page reader: a run step's pages), every statement inside a READ ONLY
 * transaction with a statement timeout, rolled back at the end. Errors become messages a user can act on, naming the
 * host and user but never the password or the URL.
 */
import pg from "pg";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { toNetworkError } from "../network-errors";
import { keepSession, withSession, type KeptSession, type SqlSession } from "../read-only-session";
import { isTransientSqlState } from "../transient-errors";
import type { PostgresConfig } from "./config";

/** Statement timeouts in milliseconds; mutable so tests can shorten them. */
export const postgresTimeouts = {
  /** Keyset pages and counts during a run. */
  pageMs: 60_000,
  /** check, discover, describe and preview: a person is waiting. */
  interactiveMs: 15_000,
  connectMs: 10_000,
};

type Endpoint = { host: string; port: number; user: string; database: string };

export function readEndpoint(config: PostgresConfig): Endpoint {
  const url = config.url?.trim();
  if (url) {
    const parsed = URL.parse(url);
    if (!parsed) return { host: "the host in the URL", port: 5432, user: "", database: "" };
    return {
      host: decodeURIComponent(parsed.hostname) || "localhost",
      port: Number(parsed.port || 5432),
      user: decodeURIComponent(parsed.username),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    };
  }
  return { host: config.host?.trim() ?? "", port: config.port, user: config.user?.trim() ?? "", database: config.database?.trim() ?? "" };
}

type SslOption = pg.ClientConfig["ssl"];

function sslFromMode(mode: string | null | undefined): SslOption {
  if (mode === "verify-full" || mode === "verify-ca") return { rejectUnauthorized: true };
  if (mode === "require" || mode === "prefer" || mode === "allow" || mode === "no-verify") return { rejectUnauthorized: false };
  return false;
}

/**
 * The driver's settings, always as separate fields: a URL is taken apart here (config.ts allows it
 * only `sslmode`), so pg's own URL parser, which reads certificate files from disk, never sees it.
 */
function buildClientConfig(config: PostgresConfig): pg.ClientConfig {
  const common = { connectionTimeoutMillis: postgresTimeouts.connectMs, application_name: "tidewater" };
  const url = config.url?.trim();
  const parsed = url ? URL.parse(url) : null;
  if (url && parsed) {
    const urlMode = parsed.searchParams.get("sslmode");
    return {
      host: decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, "$1"),
      port: Number(parsed.port || 5432),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
      user: decodeURIComponent(parsed.username) || undefined,
      password: decodeURIComponent(parsed.password),
      ...common,
      ssl: urlMode !== null ? sslFromMode(urlMode) : sslFromMode(config.sslMode),
    };
  }
  return {
    host: config.host?.trim(),
    port: config.port,
    database: config.database?.trim(),
    user: config.user?.trim(),
    password: config.password ?? "",
    ...common,
    ssl: sslFromMode(config.sslMode),
  };
}


type NetworkError = Error & { code?: string; errors?: NetworkError[] };


/** Turns a driver error into the error a user sees. */
export function translatePostgresError(error: unknown, config: PostgresConfig, timeoutMs: number): Error {
  if (error instanceof ReadOnlyViolationError || error instanceof SourceQueryError) return error;
  const e = error as NetworkError & { severity?: string };
  const endpoint = readEndpoint(config);
  const where = `${endpoint.host}:${endpoint.port}`;
  const code = e.code ?? e.errors?.[0]?.code;
  // Secrets are scrubbed once, where errors leave the connector (../redact-secrets.ts).
  const message = e.message ?? String(error);
  const network = toNetworkError(code, where, error);
  if (network) return network;
  if (/timeout expired|Connection terminated due to connection timeout/i.test(message)) {
    return new SourceQueryError(`Could not connect to ${where}: no answer within ${postgresTimeouts.connectMs / 1000} s.`, { code: "ETIMEDOUT", transient: true, cause: error });
  }
  const transient = isTransientSqlState(code);
  switch (code) {
    case "28P01":
      return new SourceQueryError(`PostgreSQL rejected the password for user ${endpoint.user}.`, { code, cause: error });
    case "28000":
      return new SourceQueryError(`PostgreSQL refused the login of user ${endpoint.user} on ${where}: ${message}`, { code, cause: error });
    case "3D000":
      return new SourceQueryError(`The database "${endpoint.database}" does not exist on ${where}.`, { code, cause: error });
    case "57014":
      return new SourceQueryError(`The query ran longer than ${timeoutMs / 1000} s and was cancelled (statement timeout).`, { code, transient, cause: error });
    case "25006":
      return new ReadOnlyViolationError(`Models are read-only, and PostgreSQL refused this one: ${message}`);
  }
  if (code === "42601" && /multiple commands/.test(message)) {
    return new ReadOnlyViolationError(`Models are read-only: a model is one statement, and PostgreSQL refused a second one (${message}).`);
  }
  if (!e.severity && /ssl|certificate|self.signed/i.test(message)) {
    return new SourceQueryError(`Could not open a secure connection to ${where}: ${message}`, { code, cause: error });
  }
  return new SourceQueryError(message, { code, transient, cause: error });
}

/**
 * Every statement goes over the extended protocol (Parse/Bind/Execute), which carries exactly one
 * statement: PostgreSQL itself refuses `…; COMMIT; INSERT …`, so nothing can end the READ ONLY
 * transaction. (pg would use the simple protocol, which runs any number of statements, whenever a
 * query has no parameters.)
 */
function runExtended(client: pg.Client, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return client.query({ text, values, queryMode: "extended" } as pg.QueryConfig);
}

/** Asks the server to stop the query of another backend, so an aborted call does not keep running there. */
async function cancelBackend(config: PostgresConfig, pid: number): Promise<void> {
  const client = new pg.Client(buildClientConfig(config));
  try {
    await client.connect();
    await runExtended(client, "SELECT pg_cancel_backend($1)", [pid]);
  } catch {
    // best effort: the statement timeout still bounds the query
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type PostgresQuery = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

/** An open read-only session: raw (untranslated) statements until `close`, which rolls back and disconnects. */
type OpenSession = SqlSession<PostgresQuery>;

async function openSession(config: PostgresConfig, options: { timeoutMs: number; signal?: AbortSignal }): Promise<OpenSession> {
  options.signal?.throwIfAborted();
  const client = new pg.Client(buildClientConfig(config));
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on("error", () => undefined);
  const onAbort = () => {
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid) void cancelBackend(config, pid);
  };
  const end = async () => {
    options.signal?.removeEventListener("abort", onAbort);
    await client.end().catch(() => undefined);
  };
  try {
    await client.connect();
    options.signal?.throwIfAborted();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // The server reads backslashes in '…' as the parser that checked the model did. Outside the
    // transaction, so a server without the setting (Redshift) only skips it.
    await runExtended(client, "SELECT set_config('standard_conforming_strings', 'on', false)").catch(() => undefined);
    await runExtended(client, "BEGIN READ ONLY");
    // set_config(…, true) is SET LOCAL in a form Redshift also accepts.
    await runExtended(client, "SELECT set_config('statement_timeout', $1, true)", [String(Math.max(1, Math.round(options.timeoutMs)))]);
  } catch (error) {
    await end();
    throw error;
  }
  return {
    query: (text, values) => runExtended(client, text, values),
    async close() {
      try {
        await runExtended(client, "ROLLBACK");
      } finally {
        await end();
      }
    },
  };
}

export function withReadOnlySession<T>(config: PostgresConfig, options: { timeoutMs: number; signal?: AbortSignal }, work: (query: PostgresQuery) => Promise<T>): Promise<T> {
  return withSession(sessionDriver(config, options), work);
}

/**
 * A session kept open across calls (a run step's pages): one connection and one READ ONLY transaction
 * whose statement timeout bounds each statement. Errors come out translated, as from withReadOnlySession.
 */
export function openReadOnlySession(config: PostgresConfig, options: { timeoutMs: number; signal?: AbortSignal }): Promise<KeptSession<PostgresQuery>> {
  return keepSession(sessionDriver(config, options));
}

function sessionDriver(config: PostgresConfig, options: { timeoutMs: number; signal?: AbortSignal }) {
  return { open: () => openSession(config, options), translate: (error: unknown) => translatePostgresError(error, config, options.timeoutMs), signal: options.signal };
}

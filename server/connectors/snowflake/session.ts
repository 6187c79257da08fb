/**
 * One Snowflake session per connector call, through the official snowflake-sdk, bounded in time: the
 * login has its own deadline (the driver's login retries run for minutes), and every session sets
 * STATEMENT_TIMEOUT_IN_SECONDS before running anything.
 */
import type { Column, Connection, ConnectionOptions } from "snowflake-sdk";
import { SourceQueryError } from "../errors";
import { buildStatementTimeoutSql, type BoundSql } from "./sql";

export type SnowflakeCredentials = {
  account: string;
  username: string;
  password?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
  warehouse: string;
  database: string;
  schema?: string;
  role?: string;
};

export type SessionOptions = {
  /** Login deadline. */
  connectTimeoutMs: number;
  statementTimeoutSeconds: number;
  /** Test seam: where the driver sends requests instead of https://<account>.snowflakecomputing.com. */
  accessUrl?: string;
};

export type QueryResult = { rows: Record<string, unknown>[]; columns: { name: string; type: string }[] };

export type SnowflakeSession = {
  query(sql: BoundSql, signal?: AbortSignal): Promise<QueryResult>;
  close(): Promise<void>;
};

type SnowflakeModule = typeof import("snowflake-sdk");

let driver: Promise<SnowflakeModule> | undefined;

/** Loaded on first use: the driver is large and most installations never connect to Snowflake. */
function loadDriver(): Promise<SnowflakeModule> {
  driver ??= import("snowflake-sdk").then((mod) => {
    const sdk = ((mod as { default?: SnowflakeModule }).default ?? mod) as SnowflakeModule;
    // The driver would otherwise write its own log file into the working folder.
    sdk.configure({ logLevel: "OFF" });
    return sdk;
  });
  return driver;
}

/** The driver's words; a secret it echoes is scrubbed at the connector boundary (redact-secrets.ts). */
function describeDriverError(error: unknown): { message: string; code?: string } {
  const e = (error ?? {}) as { message?: string; code?: string | number };
  return { message: e.message ?? String(error), code: e.code === undefined ? undefined : String(e.code) };
}

function destroy(connection: Connection): Promise<void> {
  return new Promise((resolve) => {
    try {
      connection.destroy(() => resolve());
    } catch {
      resolve();
    }
  });
}

function buildConnectionOptions(credentials: SnowflakeCredentials, options: SessionOptions): ConnectionOptions {
  const auth: Partial<ConnectionOptions> = credentials.privateKey
    ? {
        authenticator: "SNOWFLAKE_JWT",
        privateKey: credentials.privateKey,
        ...(credentials.privateKeyPassphrase ? { privateKeyPass: credentials.privateKeyPassphrase } : {}),
      }
    : { password: credentials.password };
  return {
    account: credentials.account,
    username: credentials.username,
    ...auth,
    warehouse: credentials.warehouse,
    database: credentials.database,
    ...(credentials.schema ? { schema: credentials.schema } : {}),
    ...(credentials.role ? { role: credentials.role } : {}),
    ...(options.accessUrl ? { accessUrl: options.accessUrl } : {}),
    application: "Tidewater",
    timeout: options.connectTimeoutMs,
    sfRetryMaxLoginRetries: 2,
    clientSessionKeepAlive: false,
  };
}

function runStatement(connection: Connection, sql: BoundSql, signal?: AbortSignal): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new SourceQueryError("The Snowflake query was cancelled."));
    const statement = connection.execute({
      sqlText: sql.sqlText,
      binds: sql.binds,
      // One statement per request, whatever the account's default: Snowflake refuses `…; DROP …`.
      parameters: { MULTI_STATEMENT_COUNT: 1 },
      complete: (error, stmt, rows) => {
        signal?.removeEventListener("abort", onAbort);
        if (error) {
          const { message, code } = describeDriverError(error);
          return reject(new SourceQueryError(`Snowflake refused the query: ${message}`, { code }));
        }
        const columns = ((stmt.getColumns() ?? []) as Column[]).map((c) => ({ name: c.getName(), type: c.getType() }));
        resolve({ rows: (rows ?? []) as Record<string, unknown>[], columns });
      },
    });
    function onAbort() {
      statement.cancel(() => reject(new SourceQueryError("The Snowflake query was cancelled.")));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Logs in (within `connectTimeoutMs`) and sets the session's statement timeout. */
export async function openSnowflakeSession(credentials: SnowflakeCredentials, options: SessionOptions): Promise<SnowflakeSession> {
  const sdk = await loadDriver();
  let connection: Connection;
  try {
    connection = sdk.createConnection(buildConnectionOptions(credentials, options));
  } catch (error) {
    throw new SourceQueryError(`The Snowflake settings are not valid: ${describeDriverError(error).message}`);
  }
  const target = `Snowflake account "${credentials.account}" as user "${credentials.username}"`;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        connection.connect((error) => {
          if (!error) return resolve();
          const { message, code } = describeDriverError(error);
          reject(new SourceQueryError(`Could not connect to ${target}: ${message}`, { code }));
        });
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new SourceQueryError(
                `Could not connect to ${target}: no answer within ${Math.round(options.connectTimeoutMs / 1000)} seconds. Check the account identifier (like myorg-myaccount) and that this server can reach Snowflake.`,
                { code: "TIMEOUT", transient: true },
              ),
            ),
          options.connectTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    // Not awaited: the driver holds a destroy back until its own login retries end, well past our deadline.
    void destroy(connection);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  try {
    await runStatement(connection, { sqlText: buildStatementTimeoutSql(options.statementTimeoutSeconds), binds: [] });
  } catch (error) {
    await destroy(connection);
    throw error;
  }
  return {
    query: (sql, signal) => runStatement(connection, sql, signal),
    close: () => destroy(connection),
  };
}

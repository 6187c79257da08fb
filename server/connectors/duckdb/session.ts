/**
 * One in-memory DuckDB instance per call (or per page reader: a run step's pages), with the database file attached read-only or a view
 * `files.data` over the matched files, all of them confined to the workspace's folder first
 * (confine-files.ts). Before any model SQL runs, DuckDB itself is locked down: extensions are neither
 * installed nor loaded, file access is narrowed to exactly those files (`allowed_paths`) with
 * external access off, and the configuration is locked, so a model cannot read other files
 * (read_text('/etc/…'), ATTACH, COPY, glob) or undo the settings. DuckDB has no statement timeout:
 * a timer interrupts the connection, per call.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { isTransientDuckdbMessage } from "../transient-errors";
import { confineFile, confineFiles } from "./confine-files";
import { type DuckdbConfig, FILES_TABLE, type FileFormat, inferFileFormat } from "./config";

export type DuckdbDriver = typeof import("@duckdb/node-api");

let driver: Promise<DuckdbDriver> | undefined;

/** Loaded on first use: the native DuckDB library is large, and most processes never open a DuckDB source. */
export function loadDuckdb(): Promise<DuckdbDriver> {
  driver ??= import("@duckdb/node-api");
  return driver;
}

/** Time limits in milliseconds; mutable so tests can shorten them. */
export const duckdbTimeouts = {
  /** Keyset pages during a run. */
  pageMs: 60_000,
  /** check, discover, describe, preview and counts: a person is waiting. */
  interactiveMs: 15_000,
};

export const STATEMENT_TIMEOUT_CODE = "STATEMENT_TIMEOUT";

/** The catalog a database file is attached as; table models are qualified with it. */
export const DATABASE_CATALOG = "source";

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const READERS: Record<FileFormat, string> = { parquet: "read_parquet", csv: "read_csv_auto", json: "read_json_auto" };

/** Before anything is opened: no extension may be fetched or loaded behind our back. */
async function refuseExtensions(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET autoinstall_known_extensions = false");
  await connection.run("SET autoload_known_extensions = false");
}

/** After the files are opened: only these paths, nothing external, and no way to change that. */
async function lockFileAccess(connection: DuckDBConnection, allowedPaths: string[]): Promise<void> {
  await connection.run(`SET allowed_paths = [${allowedPaths.map(quoteLiteral).join(", ")}]`);
  await connection.run("SET allowed_directories = []");
  await connection.run("SET enable_external_access = false");
  await connection.run("SET lock_configuration = true");
}

type Opened = { instance: DuckDBInstance; connection: DuckDBConnection };

async function openLocked(prepare: (connection: DuckDBConnection) => Promise<string[]>): Promise<Opened> {
  const { DuckDBInstance } = await loadDuckdb();
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const connection = await instance.connect();
    await refuseExtensions(connection);
    await lockFileAccess(connection, await prepare(connection));
    return { instance, connection };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

async function openDatabase(root: string | undefined, input: string): Promise<Opened> {
  const path = await confineFile(root, input);
  return openLocked(async (connection) => {
    // Attached under a fixed name rather than opened directly, whose catalog is named after the file
    // and then clashes with a schema of the same name (analytics.duckdb holding schema analytics).
    await connection.run(`ATTACH ${quoteLiteral(path)} AS ${DATABASE_CATALOG} (TYPE duckdb, READ_ONLY)`);
    await connection.run(`USE ${DATABASE_CATALOG}`);
    return [path];
  });
}

async function openFiles(root: string | undefined, pattern: string): Promise<Opened> {
  const format = inferFileFormat(pattern);
  if (!format) throw new SourceQueryError(`Cannot tell the format of ${pattern}: use a .parquet, .csv, .tsv, .json or .jsonl extension.`);
  const matched = await confineFiles(root, pattern);
  return openLocked(async (connection) => {
    const list = `[${matched.map(quoteLiteral).join(", ")}]`;
    await connection.run(`CREATE SCHEMA ${FILES_TABLE.schema}`);
    await connection.run(`CREATE VIEW ${FILES_TABLE.schema}.${FILES_TABLE.table} AS SELECT * FROM ${READERS[format]}(${list})`);
    return matched;
  });
}

function translateDuckdbError(error: unknown, config: DuckdbConfig): Error {
  if (error instanceof SourceQueryError || error instanceof ReadOnlyViolationError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  // DuckDB names files by their real path; users know them relative to the workspace folder.
  const message = config.fileRoot ? raw.split(`${config.fileRoot}/`).join("") : raw;
  if (/read-only mode|read.only database|attached in read-only/i.test(message)) {
    return new ReadOnlyViolationError(`Models are read-only, and DuckDB refused this one: ${message}`);
  }
  if (/^IO Error: Could not set lock/i.test(message)) {
    return new SourceQueryError(`${config.path} is locked by another process that has it open for writing: ${message}`, { transient: true, cause: error });
  }
  return new SourceQueryError(message, { transient: isTransientDuckdbMessage(message), cause: error });
}

/**
 * An open, locked-down instance for several calls (a run step's pages); each call runs under its own
 * time limit and answers translated errors. `close` frees the instance.
 */
export type DuckdbSession = {
  run<T>(timeoutMs: number, work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): void;
};

export async function openDuckdbSession(config: DuckdbConfig, signal?: AbortSignal): Promise<DuckdbSession> {
  signal?.throwIfAborted();
  let opened: Opened;
  try {
    opened = config.mode === "database" ? await openDatabase(config.fileRoot, config.path ?? "") : await openFiles(config.fileRoot, config.files ?? "");
  } catch (error) {
    signal?.throwIfAborted();
    throw translateDuckdbError(error, config);
  }
  const interrupt = () => opened.connection.interrupt();
  signal?.addEventListener("abort", interrupt, { once: true });
  return {
    async run(timeoutMs, work) {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        interrupt();
      }, timeoutMs);
      try {
        signal?.throwIfAborted();
        return await work(opened.connection);
      } catch (error) {
        signal?.throwIfAborted();
        if (timedOut) {
          throw new SourceQueryError(`The query ran longer than ${timeoutMs / 1000} s and was cancelled (time limit).`, { code: STATEMENT_TIMEOUT_CODE, transient: true, cause: error });
        }
        throw translateDuckdbError(error, config);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      signal?.removeEventListener("abort", interrupt);
      opened.connection.closeSync();
      opened.instance.closeSync();
    },
  };
}

export async function withDuckdbSession<T>(
  config: DuckdbConfig,
  options: { timeoutMs: number; signal?: AbortSignal },
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const session = await openDuckdbSession(config, options.signal);
  try {
    return await session.run(options.timeoutMs, work);
  } finally {
    session.close();
  }
}

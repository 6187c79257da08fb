/**
 * One in-memory DuckDB instance per call, with the database file attached read-only or a view
 * `files.data` over the matched files. Before any model SQL runs, file access is narrowed to
 * exactly those files and the configuration locked, so a SQL model cannot read other files on the
 * server (read_csv('/etc/…')). DuckDB has no statement timeout: a timer interrupts the connection.
 */
import { stat } from "node:fs/promises";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { type DuckdbConfig, FILES_TABLE, type FileFormat, inferFileFormat } from "./config";

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

async function assertFileExists(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new SourceQueryError(`${what} ${path} does not exist (or this server may not read it).`, { code: "ENOENT" });
  if (!info.isFile()) throw new SourceQueryError(`${what} ${path} is not a file.`, { code: "EISDIR" });
}

async function lockFileAccess(connection: DuckDBConnection, allowedPaths: string[]): Promise<void> {
  await connection.run(`SET allowed_paths = [${allowedPaths.map(quoteLiteral).join(", ")}]`);
  await connection.run("SET enable_external_access = false");
  await connection.run("SET lock_configuration = true");
}

async function openDatabase(path: string): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  await assertFileExists(path, "The DuckDB database file");
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const connection = await instance.connect();
    // Attached under a fixed name rather than opened directly, whose catalog is named after the file
    // and then clashes with a schema of the same name (analytics.duckdb holding schema analytics).
    await connection.run(`ATTACH ${quoteLiteral(path)} AS ${DATABASE_CATALOG} (READ_ONLY)`);
    await connection.run(`USE ${DATABASE_CATALOG}`);
    await lockFileAccess(connection, [path]);
    return { instance, connection };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

async function openFiles(pattern: string): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const format = inferFileFormat(pattern);
  if (!format) throw new SourceQueryError(`Cannot tell the format of ${pattern}: use a .parquet, .csv, .tsv, .json or .jsonl extension.`);
  const isGlob = /[*?[]/.test(pattern);
  if (!isGlob) await assertFileExists(pattern, "The file");
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const connection = await instance.connect();
    const matched = (await connection.runAndReadAll(`SELECT file FROM glob(${quoteLiteral(pattern)}) ORDER BY file`))
      .getRowObjectsJS()
      .map((r) => String(r.file));
    if (matched.length === 0) throw new SourceQueryError(`No files match ${pattern}.`, { code: "ENOENT" });
    const list = `[${matched.map(quoteLiteral).join(", ")}]`;
    await connection.run(`CREATE SCHEMA ${FILES_TABLE.schema}`);
    await connection.run(`CREATE VIEW ${FILES_TABLE.schema}.${FILES_TABLE.table} AS SELECT * FROM ${READERS[format]}(${list})`);
    await lockFileAccess(connection, matched);
    return { instance, connection };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

function translateDuckdbError(error: unknown, config: DuckdbConfig): Error {
  if (error instanceof SourceQueryError || error instanceof ReadOnlyViolationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/read-only mode|read.only database|attached in read-only/i.test(message)) {
    return new ReadOnlyViolationError(`Models are read-only, and DuckDB refused this one: ${message}`);
  }
  if (/^IO Error: Could not set lock/i.test(message)) {
    return new SourceQueryError(`${config.path} is locked by another process that has it open for writing: ${message}`, { cause: error });
  }
  return new SourceQueryError(message, { cause: error });
}

export async function withDuckdbSession<T>(
  config: DuckdbConfig,
  options: { timeoutMs: number; signal?: AbortSignal },
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  options.signal?.throwIfAborted();
  let opened: { instance: DuckDBInstance; connection: DuckDBConnection } | undefined;
  let timedOut = false;
  const interrupt = () => opened?.connection.interrupt();
  const timer = setTimeout(() => {
    timedOut = true;
    interrupt();
  }, options.timeoutMs);
  options.signal?.addEventListener("abort", interrupt, { once: true });
  try {
    opened = config.mode === "database" ? await openDatabase(config.path ?? "") : await openFiles(config.files ?? "");
    options.signal?.throwIfAborted();
    if (timedOut) throw new Error("INTERRUPT Error: Interrupted!");
    return await work(opened.connection);
  } catch (error) {
    options.signal?.throwIfAborted();
    if (timedOut) {
      throw new SourceQueryError(`The query ran longer than ${options.timeoutMs / 1000} s and was cancelled (time limit).`, {
        code: STATEMENT_TIMEOUT_CODE,
        cause: error,
      });
    }
    throw translateDuckdbError(error, config);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", interrupt);
    opened?.connection.closeSync();
    opened?.instance.closeSync();
  }
}

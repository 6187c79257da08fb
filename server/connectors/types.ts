/**
 * The connector contract. Connectors are plain objects (`satisfies SourceConnector<Config>` or
 * `DestinationConnector<Config>`) listed once in `registry.ts`. They never touch the product's
 * database: services hand them decrypted config, and the sync engine drives them.
 */
import type { z } from "zod";

export type ConnectorKind = "source" | "destination";

/** The config key under which services hand a `readsServerFiles` connector its workspace's folder. */
export const FILE_ROOT_KEY = "fileRoot";

/**
 * Metadata attached to each config field with zod's `.meta()`; the UI renders forms from it.
 * `secret` fields are encrypted at rest and never returned to the browser or written to logs.
 */
export type ConfigFieldMeta = {
  label: string;
  /** Help text under the field: where the user finds the value (taken from the seed guides). */
  help?: string;
  placeholder?: string;
  secret?: boolean;
  /**
   * The field decides where the secrets go (host, port, URL, account, region, TLS mode): changing it
   * clears the stored secrets, so a stored password never reaches a host the user just typed.
   */
  endpoint?: boolean;
  /** `textarea` for multi-line values (a service-account JSON). */
  widget?: "text" | "textarea" | "password" | "select" | "number" | "checkbox";
  /** Labels for enum values, e.g. { eu1: "Europe" }. */
  optionLabels?: Record<string, string>;
  /** Fields in the same group render side by side or in an "or" block (PostgreSQL URL vs fields). */
  group?: string;
};

/**
 * `warning`: the connection works but is riskier than it needs to be (a source user that may write),
 * with what to do about it. Shown next to a successful Test.
 */
export type CheckResult = { ok: boolean; message: string; warning?: string };

export type ConnectorBase<C> = {
  /** Registry id, part of the public API: postgres, mysql, duckdb, google-sheets, snowflake, bigquery, clevertap, customerio. */
  id: string;
  kind: ConnectorKind;
  label: string;
  description: string;
  /** False for connectors our test suite cannot exercise against a real server (Snowflake, BigQuery). */
  verified: boolean;
  /** A z.object whose fields carry ConfigFieldMeta through `.meta()`. */
  configSchema: z.ZodType<C>;
  /**
   * Set by connectors that read files on this server (DuckDB). Services then add the real path of the
   * workspace's folder under FILE_SOURCES_DIR to the config they hand over, as `config[FILE_ROOT_KEY]`;
   * the connector reads nothing outside it. It never comes from user input (config schemas strip it).
   */
  readsServerFiles?: boolean;
  /** Test connection: an authenticated call that changes nothing. Never throws for bad credentials. */
  check(p: { config: C; signal?: AbortSignal }): Promise<CheckResult>;
};

// ---------------------------------------------------------------------------------------------------
// Sources

/** Logical column types, shared with mappings. */
export type ColumnType = "string" | "number" | "boolean" | "date" | "json" | "unknown";

export type SourceColumn = { name: string; type: ColumnType; nativeType: string };
export type SourceTable = { schema: string; name: string; columns: SourceColumn[] };
export type SourceCatalog = { schemas: { name: string; tables: SourceTable[] }[] };

/** A sync's model: a table, or a single read-only SELECT/WITH query. */
export type ModelQuery = { type: "table"; schema: string; table: string } | { type: "sql"; sql: string };

export type Row = Record<string, unknown>;

export type ReadPageParams<C> = {
  config: C;
  model: ModelQuery;
  keyColumn: string;
  /**
   * Keyset position. Absent: start from the lowest key. Present: rows whose key is **greater than or
   * equal to** `after` (inclusive, so the engine can detect duplicate keys across page boundaries;
   * it skips the rows it has already seen). `after` is a key value exactly as an earlier page returned it.
   */
  after?: unknown;
  /**
   * Incremental reads: only rows whose `column` is strictly greater than `value` (a value as an earlier
   * page returned it, or a Date moved back by the sync's look-back), bound as a parameter. Keyset paging
   * by `keyColumn` and `after` stays as it is. Absent: every row.
   */
  since?: { column: string; value: unknown };
  limit: number;
  signal?: AbortSignal;
};

/** What a reader keeps for all of its pages: everything of ReadPageParams but the keyset position. */
export type PageReaderParams<C> = Omit<ReadPageParams<C>, "after" | "limit">;

/**
 * Keyset pages of one model over one source session (one connection, one read-only transaction),
 * so a run step does not pay a connect and session setup per page. Pages are read one at a time.
 * `close` ends the session; call it in a `finally`.
 */
export type PageReader = {
  readPage(p: { after?: unknown; limit: number }): Promise<Row[]>;
  close(): Promise<void>;
};

export type SourceConnector<C> = ConnectorBase<C> & {
  kind: "source";
  discover(p: { config: C; signal?: AbortSignal }): Promise<SourceCatalog>;
  /** Columns of a model (a SQL model is described without reading its rows). */
  describeModel(p: { config: C; model: ModelQuery; signal?: AbortSignal }): Promise<SourceColumn[]>;
  /** First rows of a model, capped at `limit` (the UI asks for 100). */
  preview(p: { config: C; model: ModelQuery; limit: number; signal?: AbortSignal }): Promise<{ columns: SourceColumn[]; rows: Row[] }>;
  /** Row count for the progress bar; null when the source cannot count cheaply. */
  countRows(p: { config: C; model: ModelQuery; signal?: AbortSignal }): Promise<number | null>;
  /**
   * One keyset page: rows with a non-null key ordered ascending by the key column (the database's
   * own ordering), at most `limit`. Read-only, with a statement timeout.
   */
  readPage(p: ReadPageParams<C>): Promise<Row[]>;
  /**
   * A reader whose pages answer exactly as readPage would, over one session. Optional: for a connector
   * without it, `openPageReader` (page-reader.ts) reads each page through readPage.
   */
  openReader?(p: PageReaderParams<C>): Promise<PageReader>;
  /** Rows whose key is null (they are invalid): up to `limit` of them, and how many there are in all. */
  readNullKeyRows(p: { config: C; model: ModelQuery; keyColumn: string; limit: number; signal?: AbortSignal }): Promise<{ rows: Row[]; total: number }>;
};

// ---------------------------------------------------------------------------------------------------
// Destinations

export type FieldType = "string" | "number" | "date" | "boolean" | "json";
/** A JSON object or array, as a mapping of type JSON sends it (plain data: no Dates, no bigints). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type FieldValue = string | number | boolean | Date | null | JsonValue[] | { [key: string]: JsonValue };
export type Behavior = "upsert" | "update" | "append";

export type StandardField = {
  /** Name sent to the destination, e.g. "Email" (CleverTap) or "email" (Customer.io). */
  name: string;
  label: string;
  type: FieldType;
  /** Source column names auto-matched to this field (lower-case, without _ or -), e.g. ["username", "name", "fullname"]. */
  aliases: string[];
  description?: string;
};

export type DestinationObject = {
  /** profile | event (CleverTap); person | event (Customer.io). Part of the public API. */
  id: string;
  label: string;
  type: "profile" | "event";
  behaviors: { id: Behavior; label: string; description: string }[];
  /** Destination identifiers a sync key can map to: CleverTap identity/objectId, Customer.io id/email/cio_id. */
  identifiers: { id: string; label: string; description: string }[];
  standardFields: StandardField[];
  /** Customer.io events can carry an id that the destination de-duplicates on. */
  supportsEventId: boolean;
  /**
   * Whether field values may be JSON objects and arrays (mapping type JSON). `note` says what happens to
   * them, or why they are refused and what to map instead; the form and the definition check show it.
   */
  objectValues: { accepted: boolean; note: string };
  limits: {
    maxBatchRecords: number;
    /** Whole request body, in bytes, when the destination documents one. */
    maxBatchBytes?: number;
    maxRecordBytes?: number;
    /** Requests in flight at once per destination account. */
    maxConcurrency: number;
    /** Write requests started per second per destination account, when the destination documents a rate limit. */
    maxRequestsPerSecond?: number;
    /** Read-back requests in flight at once per destination account (default 1). */
    maxReadConcurrency?: number;
    /** Read-back requests started per second per destination account, when the read API documents a rate limit. */
    maxReadsPerSecond?: number;
  };
};

/** One record ready to send, after mapping and type conversion by the engine. */
export type OutRecord = {
  /** The sync key value, as a string: how errors and state refer to the row. */
  key: string;
  /** The destination identifier the key (or, for events, the identity column) maps to. */
  identifier: { type: string; value: string };
  fields: Record<string, FieldValue>;
  event?: { name: string; timestamp?: Date; id?: string };
};

export type FieldProblem = { field?: string; reason: string; code?: string };

export type RecordResult =
  | { key: string; status: "accepted"; externalId?: string }
  | { key: string; status: "rejected"; code?: string; message: string; field?: string };

export type ReadBackRecord = {
  key: string;
  found: boolean;
  /** Fields as the destination returns them, already converted back to comparable values. */
  fields?: Record<string, unknown>;
  externalId?: string;
};

/** Runs one read request under the account's read limits, retrying transient failures. */
export type ReadScheduler = <T>(request: () => Promise<T>) => Promise<T>;

export type DestinationConnector<C> = ConnectorBase<C> & {
  kind: "destination";
  objects: DestinationObject[];
  /**
   * Checks a record against the destination's documented limits before it is sent (field name and
   * value lengths, phone format, reserved names …). Problems make the row invalid: it is not sent.
   */
  validateRecord(p: { object: DestinationObject; behavior: Behavior; record: OutRecord }): FieldProblem[];
  /**
   * The JSON this record becomes inside the request body, exactly as `write` sends it (one entry of
   * CleverTap's `d`, one item of Customer.io's `batch`). A dry run shows it; nothing is sent.
   */
  buildPayload(p: { object: DestinationObject; behavior: Behavior; record: OutRecord }): unknown;
  /** Bytes the record adds to a request body, for batching under maxBatchBytes/maxRecordBytes. */
  measureRecord(p: { object: DestinationObject; record: OutRecord }): number;
  /**
   * Sends one batch (within the object's limits) and answers per record, in order. Throws
   * `DestinationRequestError` when the request as a whole fails (auth, 429, 5xx, network).
   */
  write(p: { config: C; object: DestinationObject; behavior: Behavior; records: OutRecord[]; signal?: AbortSignal }): Promise<RecordResult[]>;
  /**
   * Reads delivered records back through the destination's read API; null when the config has no read
   * credentials. Every HTTP request goes through `schedule`, which the engine gives: it holds the
   * account's read limits (maxReadConcurrency, maxReadsPerSecond, shared by every run of the process)
   * and retries transient failures (429, 5xx, resets) with backoff and Retry-After. Without one, the
   * request runs once as it is.
   */
  readBack?(p: { config: C; object: DestinationObject; records: OutRecord[]; signal?: AbortSignal; schedule?: ReadScheduler }): Promise<ReadBackRecord[] | null>;
  /** Links a person follows to see the data in the destination's own UI. */
  dashboardLinks?(p: { config: C; object: DestinationObject; records: ReadBackRecord[]; signal?: AbortSignal }): Promise<{ label: string; url: string }[]>;
};

export type AnyConnector = SourceConnector<any> | DestinationConnector<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

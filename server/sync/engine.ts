/**
 * The sync engine's steps: prepare, page steps, finalize. runSyncRun (server/jobs/run-sync-run.ts) is
 * the one sequence that drives them on every runner. Each step loads the run, the sync and the
 * connections from the database once, so Inngest can run every step in a different process and a runner
 * can resume a run whose process died: everything a later step needs is committed page by page.
 */
import { openPageReader } from "~/server/connectors/page-reader";
import { type DestinationConnector, type DestinationObject, FILE_ROOT_KEY, type FieldProblem, type OutRecord, type PageReader, type RecordResult, type Row, type SourceColumn, type SourceConnector } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import type { RunStatus, Sync, SyncRun } from "~/server/db/generated/client";
import { createRecordBuilder, formatKey, type RecordBuilder } from "./build-record";
import { describeRowValues } from "./record-error-identity";
import { decodeCursor, encodeCursor, type PageCursor } from "./cursor";
import { parseStoredSettings, validateSyncDefinition, type SyncSettings } from "./definition";
import { acquireAccountRate, acquireAccountSlot } from "./account-slots";
import { createBatchSender, runInFlightLimit, type DeliveryOptions } from "./deliver";
import { decideChange, duplicateKeyProblem, measureRecordSize } from "./classify-record";
import { hashPayload } from "./hash";
import { choosePageSize } from "./page-size";
import { lookupStates, saveStates, type StateWrite } from "./record-state";
import { checkRowCount } from "./row-count-warnings";
import { forgetSentBatches, forgetUnsentBatch, reportUnsettledBatches, saveSentBatch } from "./sent-batches";
import { appendRunLog, cancelRun, failRun, finalRunStatus, PAGE_TRANSACTION, recordErrors, SUCCEEDED_STATUSES, transitionRun, type DbClient, type RecordErrorInput } from "./run-status";
import { decodeWatermark, encodeWatermark, maxChangeValue, nextWatermark, planRead, type Watermark } from "./watermark";

export type ConnectorLookup = {
  source(type: string): SourceConnector<unknown>;
  destination(type: string): DestinationConnector<unknown>;
};

export type EngineDeps = {
  /** Decrypted connection config; the services layer implements it (the engine never decrypts). */
  resolveConnectionConfig(connectionId: string, workspaceId: string): Promise<{ type: string; config: unknown }>;
  /** Defaults to the connector registry. */
  connectors?: ConnectorLookup;
  /** Rows per page, fixed (tests). Without it the page size follows the row width (page-size.ts). */
  pageSize?: number;
  delivery?: DeliveryOptions;
  /** Aborts reads and deliveries; the run stays RUNNING (resumable) unless a cancel was requested. */
  signal?: AbortSignal;
  /** How many null-key rows are listed as record errors (default 100); all are counted. */
  nullKeyReportLimit?: number;
};

export type StepResult = { done: boolean };

export const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_NULL_KEY_REPORT_LIMIT = 100;
const RETENTION_DAYS = 14;

/** A definition that no longer fits the model or destination: retrying cannot help. */
export class SyncDefinitionError extends Error {
  override name = "SyncDefinitionError";
}

export type RunWithSync = SyncRun & { sync: Sync };

/** What one run works with: its sync, settings, connectors and their parsed configs. */
export type RunContext = {
  run: RunWithSync;
  settings: SyncSettings;
  source: SourceConnector<unknown>;
  sourceConfig: unknown;
  destination: DestinationConnector<unknown>;
  destinationConfig: unknown;
  object: DestinationObject;
};

async function lookupConnectors(deps: Pick<EngineDeps, "connectors">): Promise<ConnectorLookup> {
  if (deps.connectors) return deps.connectors;
  const registry = await import("~/server/connectors/registry");
  return { source: registry.getSourceConnector, destination: registry.getDestinationConnector };
}

async function loadRun(runId: string): Promise<RunWithSync> {
  const db = await getDb();
  const run = await db.syncRun.findUnique({ where: { id: runId }, include: { sync: true } });
  if (!run) throw new Error(`Run ${runId} does not exist`);
  return run;
}

function parseConfig(connector: SourceConnector<unknown> | DestinationConnector<unknown>, config: unknown, role: string): unknown {
  const parsed = connector.configSchema.safeParse(config);
  if (parsed.success) {
    // The workspace folder the service added (not a user setting, so the schema strips it) stays.
    const fileRoot = (config as Record<string, unknown> | null)?.[FILE_ROOT_KEY];
    return connector.readsServerFiles && typeof fileRoot === "string" ? { ...(parsed.data as object), [FILE_ROOT_KEY]: fileRoot } : parsed.data;
  }
  // Paths and messages only: values may be secrets.
  const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
  throw new SyncDefinitionError(`The ${role} connection (${connector.label}) has an invalid configuration (${fields}); edit the connection.`);
}

/** What a dry run works with: a sync's settings, connectors and parsed configs, saved or not. */
export type SyncContext = Omit<RunContext, "run">;

export async function loadSyncContext(p: {
  workspaceId: string;
  sourceId: string;
  destinationId: string;
  settings: SyncSettings;
  deps: Pick<EngineDeps, "resolveConnectionConfig" | "connectors">;
}): Promise<SyncContext> {
  const { settings, deps } = p;
  const connectors = await lookupConnectors(deps);
  const [sourceConnection, destinationConnection] = await Promise.all([
    deps.resolveConnectionConfig(p.sourceId, p.workspaceId),
    deps.resolveConnectionConfig(p.destinationId, p.workspaceId),
  ]);
  const source = connectors.source(sourceConnection.type);
  const destination = connectors.destination(destinationConnection.type);
  const object = destination.objects.find((o) => o.id === settings.object);
  if (!object) throw new SyncDefinitionError(`${destination.label} has no object "${settings.object}"`);
  return {
    settings,
    source,
    sourceConfig: parseConfig(source, sourceConnection.config, "source"),
    destination,
    destinationConfig: parseConfig(destination, destinationConnection.config, "destination"),
    object,
  };
}

export async function loadRunContext(run: RunWithSync, deps: EngineDeps): Promise<RunContext> {
  const settings = parseStoredSettings(run.sync);
  const context = await loadSyncContext({ workspaceId: run.workspaceId, sourceId: run.sync.sourceId, destinationId: run.sync.destinationId, settings, deps });
  return { run, ...context };
}

function describeModel(settings: SyncSettings): string {
  return settings.model.type === "table" ? `${settings.model.schema}.${settings.model.table}` : "SQL query";
}

/**
 * Starts (QUEUED → RUNNING) or resumes (already RUNNING) a run: checks the definition against the model
 * and destination, clears the state for a full resync and counts the rows. Answers done when there is
 * nothing to run (already finished, cancelled, or failed here because the definition no longer fits).
 */
export async function prepareRun(p: { runId: string; deps: EngineDeps }): Promise<StepResult> {
  const db = await getDb();
  let run = await loadRun(p.runId);
  if (run.cancelRequested && (run.status === "QUEUED" || run.status === "RUNNING")) {
    await cancelRun(run.id);
    return { done: true };
  }
  if (run.status === "QUEUED") {
    await transitionRun({ runId: run.id, from: ["QUEUED"], to: "RUNNING", data: { startedAt: new Date(), attempt: { increment: 1 } } });
    run = await loadRun(p.runId);
    if (run.status !== "RUNNING") return { done: true };
  } else if (run.status === "RUNNING") {
    // `attempt` counts failed attempts (see runSyncRun), not resumes: a runner that stopped or died is not a failure.
    await appendRunLog(run.id, "info", "prepare", `Resuming after page ${run.pagesCommitted} (attempt ${run.attempt})`);
  } else {
    return { done: true };
  }

  let context: RunContext;
  let columns: SourceColumn[];
  try {
    context = await loadRunContext(run, p.deps);
    columns = await context.source.describeModel({ config: context.sourceConfig, model: context.settings.model, signal: p.deps.signal });
    const problems = validateSyncDefinition({ definition: context.settings, destination: context.destination, sourceColumns: columns });
    if (problems.length > 0) {
      throw new SyncDefinitionError(
        `The sync no longer matches its model or destination: ${problems.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
      );
    }
  } catch (error) {
    if (!(error instanceof SyncDefinitionError)) throw error;
    await failRun({ runId: run.id, error });
    return { done: true };
  }
  const { settings, source, destination, object } = context;

  const starting = run.pagesCommitted === 0 && run.cursor === null;
  if (run.fullResync && starting) {
    const { count } = await db.syncRecordState.deleteMany({ where: { syncId: run.syncId } });
    await appendRunLog(run.id, "info", "prepare", `Full resync: cleared ${count} saved record states, every row is sent again`);
  }
  if (starting) {
    const plan = settings.changeTracking
      ? planRead({ changeTracking: settings.changeTracking, watermark: run.sync.watermark, lastFullCompareAt: run.sync.lastFullCompareAt, fullResync: run.fullResync, now: new Date() })
      : null;
    const incremental = plan?.mode === "incremental";
    // Counting would scan the whole model, which an incremental run exists to avoid.
    const total = incremental ? null : await source.countRows({ config: context.sourceConfig, model: settings.model, signal: p.deps.signal });
    await db.syncRun.update({
      where: { id: run.id },
      data: { totalRows: total, readMode: plan?.mode ?? null, readSince: incremental ? encodeWatermark(plan.since) : null },
    });
    if (plan) await appendRunLog(run.id, "info", "prepare", `${incremental ? "Incremental read" : "Full compare"}: ${plan.reason}`);
    const rows = incremental ? "incremental" : total === null ? "row count unknown" : `${total} rows`;
    await appendRunLog(
      run.id,
      "info",
      "prepare",
      `Preparing: ${source.label} ${describeModel(settings)} (${rows}, ${columns.length} columns) → ${destination.label} ${object.label}, behavior ${settings.behavior}, sync key ${settings.syncKey.column}`,
    );
  }
  return { done: false };
}

type Classified = { record: OutRecord; hash: string; change: "create" | "update"; retried: boolean };
type PageCounts = { read: number; invalid: number; unchanged: number; created: number; updated: number; rejected: number; retried: number; fieldsDropped: number };

/**
 * "Skip current rows" on a sync's first finished run (not a full resync): rows are marked as seen and
 * nothing is sent. `runId` is the run asking, which does not count as finished.
 */
export async function isFirstRunSkippingRows(p: { syncId: string | null; runId?: string; settings: SyncSettings; fullResync: boolean }): Promise<boolean> {
  if (p.settings.initialSync !== "skip" || p.fullResync) return false;
  if (p.syncId === null) return true;
  const db = await getDb();
  const finished = await db.syncRun.count({
    where: { syncId: p.syncId, ...(p.runId ? { id: { not: p.runId } } : {}), status: { in: [...SUCCEEDED_STATUSES] } },
  });
  return finished === 0;
}

function splitResults(sent: Map<string, Classified>, results: RecordResult[]) {
  const accepted: { key: string; hash: string; externalId?: string; item: Classified }[] = [];
  const rejected: (Extract<RecordResult, { status: "rejected" }> & { item: Classified })[] = [];
  for (const result of results) {
    const item = sent.get(result.key);
    if (!item) continue;
    if (result.status === "accepted") accepted.push({ key: result.key, hash: item.hash, externalId: result.externalId, item });
    else rejected.push({ ...result, item });
  }
  return { accepted, rejected };
}

function stateWrites(accepted: { key: string; hash: string; externalId?: string }[], rejected: { key: string }[]): StateWrite[] {
  return [
    ...accepted.map((a) => ({ key: a.key, hash: a.hash, externalId: a.externalId ?? null, rejected: false })),
    ...rejected.map((r) => ({ key: r.key, hash: null, rejected: true })),
  ];
}

function formatPageLog(page: number, counts: PageCounts, skipped: boolean): string {
  const parts = [`read ${counts.read}`, `created ${counts.created}`, `updated ${counts.updated}`, `unchanged ${counts.unchanged}`];
  if (counts.invalid) parts.push(`invalid ${counts.invalid}`);
  if (counts.rejected) parts.push(`rejected ${counts.rejected}`);
  if (counts.retried) parts.push(`retried ${counts.retried}`);
  if (counts.fieldsDropped) parts.push(`fields dropped ${counts.fieldsDropped} (rows sent without them)`);
  return `Page ${page}: ${parts.join(", ")}${skipped ? " (initial sync skipped: rows marked as seen, nothing sent)" : ""}`;
}

/**
 * Where a step is in the model: the committed cursor and page count, advanced as pages commit, and the
 * highest change-tracking value among the committed pages (the watermark candidate).
 */
type Position = { cursor: PageCursor | null; pagesCommitted: number; changeMax: Watermark | null };

type ReadResult = { rows: Row[]; limit: number; done: boolean };

/** What a step works with, loaded once for all of its pages. */
type StepSession = {
  run: RunWithSync;
  context: RunContext;
  builder: RecordBuilder;
  skipRows: boolean;
  deps: EngineDeps;
  /** One source session for all of the step's pages. */
  reader: PageReader;
  /** Rows asked for per page; adapts to the row width unless deps.pageSize fixes it. */
  pageSize: number;
  /** Rows counted as read before the next page to classify: record errors name rows by their position. */
  readBefore: number;
  /** Incremental runs: the change-tracking value every read starts past (the reader was opened with it). */
  since: Watermark | null;
  /** The change-tracking column whose highest value the run records, when the run tracks one. */
  trackedColumn: string | null;
};

function readAfter(session: StepSession, cursor: PageCursor | null): Promise<ReadResult> {
  const limit = session.pageSize + (cursor?.seen ?? 0);
  return session.reader.readPage({ after: cursor?.value, limit }).then((rows) => ({ rows, limit, done: rows.length < limit }));
}

/** The cursor after a page, computed from its rows alone, so the next read can start before the page commits. */
export function cursorAfter(keyColumn: string, cursor: PageCursor | null, rows: Row[]): PageCursor | null {
  const cursorKey = cursor ? formatKey(cursor.value) : null;
  let last = { key: cursorKey, value: cursor?.value, seen: 0 };
  for (const row of rows) {
    const raw = row[keyColumn];
    const key = formatKey(raw);
    if (key === null) continue;
    last = key === last.key ? { ...last, seen: last.seen + 1 } : { key, value: raw, seen: 1 };
  }
  if (last.key === null) return cursor;
  const seen = last.key === cursorKey ? Math.max(last.seen, cursor?.seen ?? 0) : last.seen;
  return { value: last.value, seen };
}

/** A page between its read and its commit: what it counted, and the records it still waits on (not its rows). */
type PageWork = {
  /** The page number it commits as (pagesCommitted after its commit). */
  page: number;
  done: boolean;
  /** Where the cursor stands once this page commits. */
  cursorAfter: PageCursor | null;
  counts: PageCounts;
  errors: RecordErrorInput[];
  toSend: Map<string, Classified>;
  seenWithoutSending: { key: string; hash: string }[];
  results: RecordResult[];
  /** Records sent or to be sent whose answer has not come back. */
  pending: number;
  /** Every record of the page is in a batch: it may commit once pending is 0. */
  sealed: boolean;
  /** The page's highest change-tracking value, when the run tracks one (rows are not kept until commit). */
  changeMax: unknown;
};

/** Reads nothing from the destination: builds, validates and compares a page against the saved states. */
async function classifyPage(session: StepSession, cursor: PageCursor | null, read: ReadResult, page: { number: number; cursorAfter: PageCursor | null }): Promise<PageWork> {
  const { run, context, builder, skipRows } = session;
  const { settings, object } = context;
  const keyColumn = settings.syncKey.column;
  const isEvent = object.type === "event";
  const { rows, done } = read;

  const cursorKey = cursor ? formatKey(cursor.value) : null;
  let toSkip = cursor?.seen ?? 0;
  const work: PageWork = {
    page: page.number,
    done,
    cursorAfter: page.cursorAfter,
    counts: { read: 0, invalid: 0, unchanged: 0, created: 0, updated: 0, rejected: 0, retried: 0, fieldsDropped: 0 },
    errors: [],
    toSend: new Map(),
    seenWithoutSending: [],
    results: [],
    pending: 0,
    sealed: false,
    changeMax: session.trackedColumn ? maxChangeValue(session.trackedColumn, rows, undefined) : undefined,
  };
  const { counts } = work;
  const readBefore = session.readBefore;
  // The first row of each key, by position: the one a duplicate key keeps (rows come in key order).
  const firstRowOfKey = new Map<string, number>();
  // The cursor's key began on an earlier page: its first row came `seen` rows before this page.
  if (cursorKey !== null && cursorKey !== "" && cursor) firstRowOfKey.set(cursorKey, readBefore - cursor.seen + 1);
  const built: { key: string; record: OutRecord }[] = [];
  // The saved states are looked up while the records are built: PostgreSQL probes the keys on one core
  // while this one builds (only keys of rows that turn out invalid are looked up for nothing).
  const keys = rows.map((row) => formatKey(row[keyColumn]));
  const lookupKeys: string[] = [];
  let lookupSkip = toSkip;
  for (const key of keys) {
    if (key === null) continue;
    if (key === cursorKey && lookupSkip > 0) lookupSkip -= 1;
    else if (key !== "") lookupKeys.push(key);
  }
  const lookingUp = lookupStates(await getDb(), run.syncId, lookupKeys);
  lookingUp.catch(() => {});

  for (const [i, row] of rows.entries()) {
    const key = keys[i] ?? null;
    // Sources leave null keys out of pages; finalizeRun reports them.
    if (key === null) continue;
    if (key === cursorKey && toSkip > 0) {
      toSkip -= 1;
      continue;
    }
    counts.read += 1;
    const rowNumber = readBefore + counts.read;
    const kept = firstRowOfKey.get(key);
    if (kept !== undefined) {
      invalidate(work, key, [duplicateKeyProblem(keyColumn, key, { kept, rowNumber })], { rowNumber, rowValues: describeRowValues(row, keyColumn) });
      continue;
    }
    // An empty key identifies no row, so rows with one are not duplicates of each other: each is invalid on its own.
    if (key !== "") firstRowOfKey.set(key, rowNumber);
    const result = builder.build(row);
    if (!result.record) {
      invalidate(work, key, result.problems, { rowNumber, rowValues: key === "" ? describeRowValues(row, keyColumn) : null });
      continue;
    }
    counts.fieldsDropped += result.dropped.length;
    for (const problem of result.dropped) work.errors.push({ kind: "DROPPED_FIELD", recordKey: key, field: problem.field, reason: problem.reason, code: problem.code, rowNumber });
    built.push({ key, record: result.record });
  }
  session.readBefore += counts.read;

  const stateByKey = await lookingUp;
  const updateOnly = settings.behavior === "update";
  for (const { key, record } of built) {
    const state = stateByKey.get(key);
    // An event goes out once per key, whatever changes later: a delivered one needs no hash.
    if (isEvent && !skipRows && state && state.payloadHash !== null) {
      counts.unchanged += 1;
      continue;
    }
    const hash = hashPayload(record);
    if (skipRows) {
      work.seenWithoutSending.push({ key, hash });
      counts.unchanged += 1;
      continue;
    }
    const change = decideChange({ state, record, hash, isEvent, updateOnly });
    if (change === "unchanged") counts.unchanged += 1;
    else work.toSend.set(key, { record, hash, change, retried: Boolean(state?.rejected) });
  }
  return work;
}

function invalidate(work: PageWork, key: string, problems: FieldProblem[], row?: { rowNumber: number; rowValues: string | null }): void {
  work.counts.invalid += 1;
  // An empty key names no row: the row number and values do.
  const recordKey = key === "" ? null : key;
  for (const problem of problems) work.errors.push({ kind: "INVALID", recordKey, field: problem.field, reason: problem.reason, code: problem.code, ...row });
}

/**
 * Commits a settled page: counts, cursor, states, errors, its log line and (`forgetBatches`) the sent
 * batches it settles last, in one transaction.
 */
async function commitPage(session: StepSession, position: Position, work: PageWork, forgetBatches: boolean): Promise<{ committed: boolean; cancelRequested: boolean }> {
  const { run, skipRows } = session;
  const { counts, errors } = work;
  const { accepted, rejected } = splitResults(work.toSend, work.results);
  for (const item of work.toSend.values()) if (item.retried) counts.retried += 1;
  for (const a of accepted) {
    if (a.item.change === "create") counts.created += 1;
    else counts.updated += 1;
  }
  counts.rejected = rejected.length;
  for (const r of rejected) errors.push({ kind: "REJECTED", recordKey: r.key, field: r.field, reason: r.message, code: r.code });

  const page = position.pagesCommitted + 1;
  const nextCursor = work.cursorAfter;
  const column = session.trackedColumn;
  const changeMax = column ? pageChangeMax(column, position.changeMax, work.changeMax) : position.changeMax;
  const db = await getDb();
  const outcome = await db.$transaction(async (tx) => {
    // Guarded on pagesCommitted: if another worker committed this page meanwhile, this one is dropped.
    const updated = await tx.$queryRaw<{ cancelRequested: boolean }[]>`UPDATE "SyncRun" SET
        "rowsRead" = "rowsRead" + ${counts.read}, "rowsInvalid" = "rowsInvalid" + ${counts.invalid},
        "rowsUnchanged" = "rowsUnchanged" + ${counts.unchanged}, "rowsCreated" = "rowsCreated" + ${counts.created},
        "rowsUpdated" = "rowsUpdated" + ${counts.updated}, "rowsRejected" = "rowsRejected" + ${counts.rejected},
        "rowsRetried" = "rowsRetried" + ${counts.retried}, "fieldsDropped" = "fieldsDropped" + ${counts.fieldsDropped},
        "pagesCommitted" = "pagesCommitted" + 1,
        "cursor" = ${nextCursor ? encodeCursor(nextCursor) : null},
        "changeMax" = ${changeMax ? encodeWatermark(changeMax) : null}
      WHERE "id" = ${run.id} AND "status" = 'RUNNING' AND "pagesCommitted" = ${position.pagesCommitted}
      RETURNING "cancelRequested"`;
    const row = updated[0];
    if (!row) return null;
    await saveStates(tx, run, [...stateWrites(accepted, rejected), ...work.seenWithoutSending.map((s) => ({ key: s.key, hash: s.hash, rejected: false }))]);
    await recordErrors({ runId: run.id, workspaceId: run.workspaceId, syncId: run.syncId, errors }, tx);
    await appendRunLog(run.id, counts.rejected || counts.invalid || counts.fieldsDropped ? "warn" : "info", "page", formatPageLog(page, counts, skipRows), tx);
    if (forgetBatches) await forgetSentBatches(tx, run.id, page);
    return row;
  }, PAGE_TRANSACTION);
  if (!outcome) return { committed: false, cancelRequested: false };
  position.cursor = nextCursor;
  position.pagesCommitted = page;
  position.changeMax = changeMax;
  return { committed: true, cancelRequested: outcome.cancelRequested };
}

/** The run's highest tracked value so far, after a page whose own highest value was `pageMax`. */
function pageChangeMax(column: string, current: Watermark | null, pageMax: unknown): Watermark | null {
  const value = maxChangeValue(column, pageMax === undefined ? [] : [{ [column]: pageMax }], current?.column === column ? current.value : undefined);
  return value === undefined ? current : { column, value };
}

async function isCancelRequested(runId: string): Promise<boolean> {
  const db = await getDb();
  const run = await db.syncRun.findUnique({ where: { id: runId }, select: { cancelRequested: true } });
  return run?.cancelRequested ?? false;
}

/** Pages held between read and commit at most; a partial batch goes out when they are all waiting on it. */
const MAX_OPEN_PAGES = 256;
/** Settled pages waiting for their commit at most, before reading waits for the commits. */
const MAX_QUEUED_COMMITS = 4;

export type PagesResult = { done: boolean; processed: number };

/**
 * One page step, pipelined: loads the run, its context and configs once and reads all of its pages
 * through one source session (openPageReader), in pages sized to the rows' width; reads page N+1 while page N is
 * compared; fills delivery batches across pages up to the destination's record and byte limits and
 * sends them concurrently (up to the run's cap, within the account's limit shared by every run of this
 * process); commits each page, in order, once all of its records are settled. It stops after
 * `maxPages` pages (and, with `minMs`, at least that long), at the end of the model, at a requested
 * cancel (the run is cancelled here), or when `shouldStop` says so. After a crash at most the batches
 * that were in flight are sent again: their keys are saved before they go out (sent-batches.ts), and
 * the next step lists them in the run log.
 */
export async function processPages(p: {
  runId: string;
  deps: EngineDeps;
  maxPages: number;
  minMs?: number;
  shouldStop?: () => boolean;
}): Promise<PagesResult> {
  const { deps } = p;
  const signal = deps.signal;
  signal?.throwIfAborted();
  const started = Date.now();
  const run = await loadRun(p.runId);
  if (run.status === "QUEUED") throw new Error(`Run ${run.id} has not been prepared`);
  if (run.status !== "RUNNING") return { done: true, processed: 0 };
  if (run.cancelRequested) {
    await cancelRun(run.id);
    return { done: true, processed: 0 };
  }
  const context = await loadRunContext(run, deps);
  const { settings, source, object } = context;
  await reportUnsettledBatches(run);
  const columns = settings.syncAllColumns ? await source.describeModel({ config: context.sourceConfig, model: settings.model, signal }) : [];
  const skipRows = await isFirstRunSkippingRows({ syncId: run.syncId, runId: run.id, settings, fullResync: run.fullResync });
  const since = run.readMode === "incremental" ? decodeWatermark(run.readSince) : null;
  const trackedColumn = run.readMode && settings.changeTracking ? settings.changeTracking.column : null;
  const keyColumn = settings.syncKey.column;
  const reader = await openPageReader(source, { config: context.sourceConfig, model: settings.model, keyColumn, ...(since ? { since } : {}), signal });
  try {
    const session: StepSession = {
      run,
      context,
      builder: createRecordBuilder({ settings, object, columns, destination: context.destination }),
      skipRows,
      deps,
      reader,
      pageSize: deps.pageSize ?? DEFAULT_PAGE_SIZE,
      readBefore: run.rowsRead,
      since,
      trackedColumn,
    };
    return await processPagesWith(p, session, started);
  } finally {
    await reader.close();
  }
}

async function processPagesWith(
  p: { maxPages: number; minMs?: number; shouldStop?: () => boolean },
  session: StepSession,
  started: number,
): Promise<PagesResult> {
  const { run, context, deps } = session;
  const signal = deps.signal;
  const { settings, source, destination, object } = context;
  const keyColumn = settings.syncKey.column;
  const position: Position = { cursor: decodeCursor(run.cursor), pagesCommitted: run.pagesCommitted, changeMax: decodeWatermark(run.changeMax) };

  const account = `${destination.id}:${run.sync.destinationId}`;
  const perSecond = object.limits.maxRequestsPerSecond;
  const sender = createBatchSender({
    destination,
    config: context.destinationConfig,
    object,
    behavior: settings.behavior,
    signal,
    options: deps.delivery,
    // Paced to the account's documented request rate instead of discovering it through 429s.
    beforeRequest: perSecond ? () => acquireAccountRate(account, perSecond, signal) : undefined,
  });
  const runLimit = runInFlightLimit(object, deps.delivery);
  const { maxBatchRecords, maxBatchBytes } = object.limits;

  const open: PageWork[] = [];
  /** `saved`: its keys' SyncSentBatch row, written ahead of sending (see dispatch). */
  type Batch = { records: OutRecord[]; owners: PageWork[]; bytes: number; saved?: Promise<bigint> };
  let batch: Batch = { records: [], owners: [], bytes: 0 };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let halt: "cancel" | "lost" | null = null;
  let committed = 0;
  let classified = 0;

  /** Last pages of the batches written to SyncSentBatch and not yet forgotten by a commit. */
  const sentBatchPages: number[] = [];
  /** Written before the batch goes out: after a crash its keys are the ones that may arrive twice. */
  const saveBatchKeys = (pending: Batch): Promise<bigint> =>
    (pending.saved ??= (async () => {
      const lastPage = pending.owners[pending.owners.length - 1]!.page;
      const id = await saveSentBatch(await getDb(), run, lastPage, pending.records.map((r) => r.key));
      sentBatchPages.push(lastPage);
      return id;
    })());
  const unsaveBatchKeys = async (pending: Batch) => {
    const saved = pending.saved;
    pending.saved = undefined;
    const id = await saved?.catch(() => null);
    if (id !== undefined && id !== null) await forgetUnsentBatch(await getDb(), id);
  };
  const send = async ({ records, owners, saved }: Batch) => {
    let release: (() => void) | undefined;
    try {
      await saved;
      release = await acquireAccountSlot(account, object.limits.maxConcurrency, signal);
      const results = await sender.send(records);
      results.forEach((result, i) => {
        const owner = owners[i]!;
        owner.results.push(result);
        owner.pending -= 1;
      });
    } catch (error) {
      failure ??= error;
    } finally {
      release?.();
    }
  };
  const waitForOne = async () => {
    if (inFlight.size > 0) await Promise.race(inFlight);
  };
  // Commits run one after another in the background, so a page's transaction overlaps the next pages'
  // comparing and sending; pages whose turn comes after a cancel, loss or failure stay uncommitted.
  let committing: Promise<void> = Promise.resolve();
  let queuedCommits = 0;
  const uncommitted: PageWork[] = [];
  /** Commits queued since dispatch last asked whether a cancel was requested. */
  let commitsSinceCancelCheck = 0;
  const commitInOrder = (work: PageWork) => {
    queuedCommits += 1;
    commitsSinceCancelCheck += 1;
    committing = committing.then(async () => {
      try {
        // After a cancel, pages whose records were all delivered still commit: their state is true.
        if (halt === "lost" || failure !== undefined) {
          uncommitted.push(work);
          return;
        }
        const forget = sentBatchPages.some((page) => page <= work.page);
        const outcome = await commitPage(session, position, work, forget);
        if (forget && outcome.committed) sentBatchPages.splice(0, sentBatchPages.length, ...sentBatchPages.filter((page) => page > work.page));
        if (!outcome.committed) halt = "lost";
        else {
          committed += 1;
          if (outcome.cancelRequested) halt = "cancel";
        }
      } catch (error) {
        uncommitted.push(work);
        failure ??= error;
      } finally {
        queuedCommits -= 1;
      }
    });
  };
  /** Hands settled pages at the head to the commit chain, in order; waits when too many are queued. */
  const commitReady = async () => {
    while (halt !== "lost" && failure === undefined && open.length > 0 && open[0]!.sealed && open[0]!.pending === 0) commitInOrder(open.shift()!);
    if (queuedCommits > MAX_QUEUED_COMMITS) await committing;
  };
  const dispatch = async () => {
    if (batch.records.length === 0) return;
    const pending = batch;
    // Its keys are written while the batches before it are in flight: off the sending path, still before it goes out.
    saveBatchKeys(pending).catch(() => {});
    while (inFlight.size >= runLimit) {
      await waitForOne();
      await commitReady();
    }
    // A cancel requested while pages settled is seen before the next batch goes out. Asked directly, not by
    // waiting for those pages' commits: waiting held every send behind a state write (about 40% of a first run).
    if (commitsSinceCancelCheck > 0 && !halt) {
      commitsSinceCancelCheck = 0;
      if (await isCancelRequested(run.id)) halt = "cancel";
    }
    // A cancel, failure or stop seen meanwhile: the batch stays unsent, its pages uncommitted (read again on resume).
    if (halt || failure !== undefined || p.shouldStop?.()) {
      await unsaveBatchKeys(pending);
      return;
    }
    batch = { records: [], owners: [], bytes: 0 };
    const sending = send(pending);
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  };
  const enqueue = async (work: PageWork) => {
    for (const [key, item] of work.toSend) {
      const { bytes, problem } = measureRecordSize({ destination, object, record: item.record });
      if (problem) {
        work.toSend.delete(key);
        invalidate(work, key, [problem]);
        continue;
      }
      const full = batch.records.length >= maxBatchRecords || (maxBatchBytes !== undefined && batch.bytes + bytes > maxBatchBytes);
      if (full) await dispatch();
      if (halt || failure !== undefined) return;
      work.pending += 1;
      batch.records.push(item.record);
      batch.owners.push(work);
      batch.bytes += bytes;
    }
  };
  const settleAll = async () => {
    while (inFlight.size > 0) {
      await waitForOne();
      await commitReady();
    }
    await commitReady();
    await committing;
  };

  let done = false;
  let pageNumber = position.pagesCommitted;
  let readFailure: { error: unknown } | null = null;
  let reading: Promise<ReadResult> | null = readAfter(session, position.cursor);
  let readCursor = position.cursor;
  try {
    while (reading && !halt && failure === undefined) {
      let read: ReadResult;
      try {
        read = await reading;
      } catch (error) {
        // The pages already read are still delivered and committed below; the run retries from there.
        readFailure = { error };
        reading = null;
        break;
      }
      classified += 1;
      if (deps.pageSize === undefined) session.pageSize = choosePageSize(read.rows, session.pageSize);
      const nextCursor = cursorAfter(keyColumn, readCursor, read.rows);
      const more = !read.done && (classified < p.maxPages || Date.now() - started < (p.minMs ?? 0)) && !p.shouldStop?.();
      // Read ahead from where this page will leave the cursor, while it is compared and sent.
      reading = more ? readAfter(session, nextCursor) : null;
      reading?.catch(() => {});
      const work = await classifyPage(session, readCursor, read, { number: pageNumber + 1, cursorAfter: nextCursor });
      readCursor = nextCursor;
      if (work.counts.read === 0) {
        // Only rows committed before: the end of the model. A full page of them would mean the source ignored `after`.
        if (!read.done) throw new Error(`${source.label} returned the same rows again instead of the rows after the cursor`);
        done = true;
        break;
      }
      pageNumber += 1;
      open.push(work);
      await enqueue(work);
      work.sealed = true;
      if (read.done) done = true;
      // Every open page waits on the partial batch: send it rather than hold more pages.
      if (open.length >= MAX_OPEN_PAGES) await dispatch();
      await commitReady();
      if (p.shouldStop?.()) reading = null;
    }
    if (!halt && failure === undefined) await dispatch();
    await settleAll();
  } finally {
    await reading?.catch(() => {});
    if (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await committing;
  }

  if (failure !== undefined) {
    // Keep what the destination already accepted, so a retry of these pages does not send it again.
    const settled = [...uncommitted, ...open].flatMap((work) => {
      const { accepted, rejected } = splitResults(work.toSend, work.results);
      return stateWrites(accepted, rejected);
    });
    await saveStates(await getDb(), run, settled);
    // Every batch of this step is settled and its accepted records saved: none can arrive twice.
    if (sentBatchPages.length > 0) await forgetSentBatches(await getDb(), run.id);
    throw failure;
  }
  if (halt === "cancel") {
    if (sentBatchPages.length > 0) await forgetSentBatches(await getDb(), run.id);
    await cancelRun(run.id);
    return { done: true, processed: committed };
  }
  if (readFailure && !halt) throw readFailure.error;
  if (halt === "lost") return { done: false, processed: committed };
  return { done: done && open.length === 0 && uncommitted.length === 0, processed: committed };
}

/**
 * Reports rows with a null key, warns when the model returned no or far fewer rows than last time, and
 * sets the final status (finalRunStatus). Answers the run's status afterwards.
 */
export async function finalizeRun(p: { runId: string; deps: EngineDeps }): Promise<{ status: RunStatus }> {
  const db = await getDb();
  const run = await loadRun(p.runId);
  if (run.status !== "RUNNING") return { status: run.status };
  if (run.cancelRequested) {
    await cancelRun(run.id);
    return { status: (await loadRun(p.runId)).status };
  }
  const context = await loadRunContext(run, p.deps);
  const keyColumn = context.settings.syncKey.column;
  // An incremental run compares only the rows it read: null keys are reported by full compares.
  const nullKeys =
    run.readMode === "incremental"
      ? { rows: [], total: 0 }
      : await context.source.readNullKeyRows({
          config: context.sourceConfig,
          model: context.settings.model,
          keyColumn,
          limit: p.deps.nullKeyReportLimit ?? DEFAULT_NULL_KEY_REPORT_LIMIT,
          signal: p.deps.signal,
        });
  // Null-key rows come after the keyed rows in the run's read order.
  const errors: RecordErrorInput[] = nullKeys.rows.map((row, i) => ({
    kind: "INVALID",
    recordKey: null,
    field: keyColumn,
    reason: `sync key column ${keyColumn} is null`,
    rowNumber: run.rowsRead + i + 1,
    rowValues: describeRowValues(row, keyColumn),
  }));
  const unlisted = nullKeys.total - nullKeys.rows.length;
  if (unlisted > 0) {
    errors.push({ kind: "INVALID", recordKey: null, field: keyColumn, reason: `${unlisted} more rows have a null sync key column ${keyColumn} (not listed one by one)` });
  }

  const read = run.rowsRead + nullKeys.total;
  const invalid = run.rowsInvalid + nullKeys.total;
  const status = finalRunStatus({ invalid, rejected: run.rowsRejected });
  const warnings = await checkRowCount({ run, read });
  const finishedAt = new Date();
  const seconds = ((finishedAt.getTime() - (run.startedAt ?? run.queuedAt).getTime()) / 1000).toFixed(1);
  await db.$transaction(async (tx) => {
    const moved = await transitionRun({
      runId: run.id,
      from: ["RUNNING"],
      to: status,
      data: { rowsRead: read, rowsInvalid: invalid, finishedAt, ...(warnings.length ? { warnings } : {}) },
      client: tx,
    });
    if (!moved) return;
    for (const warning of warnings) await appendRunLog(run.id, "warn", "finalize", warning.message, tx);
    await recordErrors({ runId: run.id, workspaceId: run.workspaceId, syncId: run.syncId, errors }, tx);
    if (nullKeys.total > 0) await appendRunLog(run.id, "warn", "finalize", `${nullKeys.total} rows have a null sync key (${keyColumn}) and were not sent`, tx);
    if (run.readMode) await commitWatermark(run, finishedAt, tx);
    await appendRunLog(
      run.id,
      "info",
      "finalize",
      `Finished in ${seconds} s after ${run.pagesCommitted} pages: read ${read}, created ${run.rowsCreated}, updated ${run.rowsUpdated}, unchanged ${run.rowsUnchanged}, invalid ${invalid}, rejected ${run.rowsRejected}, retried ${run.rowsRetried}${run.fieldsDropped ? `, fields dropped ${run.fieldsDropped}` : ""}`,
      tx,
    );
  });
  return { status: (await loadRun(p.runId)).status };
}

/**
 * Advances the sync's watermark to the highest change-tracking value the run read, inside the run's
 * final transition: a failed or cancelled run never gets here, so its rows are read again next time.
 */
async function commitWatermark(run: RunWithSync, finishedAt: Date, tx: DbClient) {
  const watermark = nextWatermark(run.sync.watermark, run.changeMax);
  const fullCompare = run.readMode === "full";
  await tx.sync.update({
    where: { id: run.syncId },
    data: { watermark, ...(fullCompare ? { lastFullCompareAt: run.startedAt ?? finishedAt } : {}) },
  });
  const value = decodeWatermark(watermark)?.value;
  const shown = value instanceof Date ? value.toISOString() : String(value);
  const message =
    watermark === null
      ? "No change-tracking value read: the next run reads every row"
      : watermark === run.sync.watermark
        ? `Watermark stays at ${shown}`
        : `Watermark advanced to ${shown}`;
  await appendRunLog(run.id, "info", "finalize", message, tx);
}

/** Deletes step logs and record errors older than the retention (14 days). */
export async function cleanupOldRunData(p: { now?: Date; retentionDays?: number } = {}): Promise<{ logs: number; errors: number }> {
  const db = await getDb();
  const cutoff = new Date((p.now ?? new Date()).getTime() - (p.retentionDays ?? RETENTION_DAYS) * 24 * 60 * 60 * 1000);
  const logs = await db.syncRunLog.deleteMany({ where: { at: { lt: cutoff } } });
  const errors = await db.syncRecordError.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return { logs: logs.count, errors: errors.count };
}

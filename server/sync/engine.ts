/**
 * The sync engine's steps: prepare, page steps, finalize. runSyncRun (server/jobs/run-sync-run.ts) is
 * the one sequence that drives them on every runner. Each step loads the run, the sync and the
 * connections from the database once, so Inngest can run every step in a different process and a runner
 * can resume a run whose process died: everything a later step needs is committed page by page.
 */
import { type DestinationConnector, type DestinationObject, FILE_ROOT_KEY, type FieldProblem, type OutRecord, type RecordResult, type Row, type SourceColumn, type SourceConnector } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import type { RunStatus, Sync, SyncRun } from "~/server/db/generated/client";
import { createRecordBuilder, formatKey, type RecordBuilder } from "./build-record";
import { decodeCursor, encodeCursor, type PageCursor } from "./cursor";
import { parseStoredSettings, validateSyncDefinition, type SyncSettings } from "./definition";
import { acquireAccountSlot } from "./account-slots";
import { createBatchSender, runInFlightLimit, type DeliveryOptions } from "./deliver";
import { hashPayload, matchesStoredHash } from "./hash";
import { lookupStates, saveStates, type StateWrite } from "./record-state";
import { appendRunLog, cancelRun, failRun, recordErrors, transitionRun, type RecordErrorInput } from "./run-status";

export type ConnectorLookup = {
  source(type: string): SourceConnector<unknown>;
  destination(type: string): DestinationConnector<unknown>;
};

export type EngineDeps = {
  /** Decrypted connection config; the services layer implements it (the engine never decrypts). */
  resolveConnectionConfig(connectionId: string, workspaceId: string): Promise<{ type: string; config: unknown }>;
  /** Defaults to the connector registry. */
  connectors?: ConnectorLookup;
  /** Rows per page (default 1000). */
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

async function lookupConnectors(deps: EngineDeps): Promise<ConnectorLookup> {
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

export async function loadRunContext(run: RunWithSync, deps: EngineDeps): Promise<RunContext> {
  const connectors = await lookupConnectors(deps);
  const settings = parseStoredSettings(run.sync);
  const [sourceConnection, destinationConnection] = await Promise.all([
    deps.resolveConnectionConfig(run.sync.sourceId, run.workspaceId),
    deps.resolveConnectionConfig(run.sync.destinationId, run.workspaceId),
  ]);
  const source = connectors.source(sourceConnection.type);
  const destination = connectors.destination(destinationConnection.type);
  const object = destination.objects.find((o) => o.id === settings.object);
  if (!object) throw new SyncDefinitionError(`${destination.label} has no object "${settings.object}"`);
  return {
    run,
    settings,
    source,
    sourceConfig: parseConfig(source, sourceConnection.config, "source"),
    destination,
    destinationConfig: parseConfig(destination, destinationConnection.config, "destination"),
    object,
  };
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
    const total = await source.countRows({ config: context.sourceConfig, model: settings.model, signal: p.deps.signal });
    await db.syncRun.update({ where: { id: run.id }, data: { totalRows: total } });
    const rows = total === null ? "row count unknown" : `${total} rows`;
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

async function isFirstRunSkippingRows(run: RunWithSync, settings: SyncSettings): Promise<boolean> {
  if (settings.initialSync !== "skip" || run.fullResync) return false;
  const db = await getDb();
  const finished = await db.syncRun.count({
    where: { syncId: run.syncId, id: { not: run.id }, status: { in: ["SUCCEEDED", "SUCCEEDED_WITH_REJECTIONS"] } },
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

/** Where a step is in the model: the committed cursor and page count, advanced as pages commit. */
type Position = { cursor: PageCursor | null; pagesCommitted: number };

type ReadResult = { rows: Row[]; limit: number; done: boolean };

/** What a step works with, loaded once for all of its pages. */
type StepSession = {
  run: RunWithSync;
  context: RunContext;
  builder: RecordBuilder;
  skipRows: boolean;
  deps: EngineDeps;
};

function readAfter(session: StepSession, cursor: PageCursor | null): Promise<ReadResult> {
  const { context, deps } = session;
  const limit = (deps.pageSize ?? DEFAULT_PAGE_SIZE) + (cursor?.seen ?? 0);
  return context.source
    .readPage({ config: context.sourceConfig, model: context.settings.model, keyColumn: context.settings.syncKey.column, after: cursor?.value, limit, signal: deps.signal })
    .then((rows) => ({ rows, limit, done: rows.length < limit }));
}

/** The cursor after a page, computed from its rows alone, so the next read can start before the page commits. */
function cursorAfter(keyColumn: string, cursor: PageCursor | null, rows: Row[]): PageCursor | null {
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

/** A page between its read and its commit: what it counted, and the records it still waits on. */
type PageWork = {
  rows: Row[];
  done: boolean;
  cursorBefore: PageCursor | null;
  counts: PageCounts;
  errors: RecordErrorInput[];
  toSend: Map<string, Classified>;
  seenWithoutSending: { key: string; hash: string }[];
  results: RecordResult[];
  /** Records sent or to be sent whose answer has not come back. */
  pending: number;
  /** Every record of the page is in a batch: it may commit once pending is 0. */
  sealed: boolean;
};

/** Reads nothing from the destination: builds, validates and compares a page against the saved states. */
async function classifyPage(session: StepSession, cursor: PageCursor | null, read: ReadResult): Promise<PageWork> {
  const { run, context, builder, skipRows } = session;
  const { settings, object } = context;
  const keyColumn = settings.syncKey.column;
  const isEvent = object.type === "event";
  const { rows, done } = read;

  const cursorKey = cursor ? formatKey(cursor.value) : null;
  let toSkip = cursor?.seen ?? 0;
  const work: PageWork = {
    rows,
    done,
    cursorBefore: cursor,
    counts: { read: 0, invalid: 0, unchanged: 0, created: 0, updated: 0, rejected: 0, retried: 0, fieldsDropped: 0 },
    errors: [],
    toSend: new Map(),
    seenWithoutSending: [],
    results: [],
    pending: 0,
    sealed: false,
  };
  const { counts } = work;
  const keysInPage = new Set<string>();
  const built: { key: string; record: OutRecord }[] = [];

  for (const row of rows) {
    const key = formatKey(row[keyColumn]);
    // Sources leave null keys out of pages; finalizeRun reports them.
    if (key === null) continue;
    if (key === cursorKey && toSkip > 0) {
      toSkip -= 1;
      continue;
    }
    counts.read += 1;
    if (key === cursorKey || keysInPage.has(key)) {
      invalidate(work, key, [{ field: keyColumn, reason: `duplicate sync key '${key}' in column ${keyColumn}: only the first row with this key is synced` }]);
      continue;
    }
    keysInPage.add(key);
    const result = builder.build(row);
    if (!result.record) {
      invalidate(work, key, result.problems);
      continue;
    }
    counts.fieldsDropped += result.dropped.length;
    for (const problem of result.dropped) work.errors.push({ kind: "DROPPED_FIELD", recordKey: key, field: problem.field, reason: problem.reason, code: problem.code });
    built.push({ key, record: result.record });
  }

  const stateByKey = await lookupStates(await getDb(), run.syncId, built.map((b) => b.key));
  const updateOnly = settings.behavior === "update";
  for (const { key, record } of built) {
    const hash = hashPayload(record);
    const state = stateByKey.get(key);
    if (skipRows) {
      work.seenWithoutSending.push({ key, hash });
      counts.unchanged += 1;
      continue;
    }
    const retried = Boolean(state?.rejected);
    // Update Only never creates: a key this sync has not delivered yet is still sent as an update.
    if (!state || state.payloadHash === null) work.toSend.set(key, { record, hash, change: updateOnly ? "update" : "create", retried });
    // An event goes out once per key, whatever changes later.
    else if (isEvent || matchesStoredHash(record, hash, state.payloadHash)) counts.unchanged += 1;
    else work.toSend.set(key, { record, hash, change: "update", retried });
  }
  return work;
}

function invalidate(work: PageWork, key: string, problems: FieldProblem[]): void {
  work.counts.invalid += 1;
  for (const problem of problems) work.errors.push({ kind: "INVALID", recordKey: key, field: problem.field, reason: problem.reason, code: problem.code });
}

/** Commits a settled page: counts, cursor, states, errors and its log line, in one transaction. */
async function commitPage(session: StepSession, position: Position, work: PageWork): Promise<{ committed: boolean; cancelRequested: boolean }> {
  const { run, skipRows, context } = session;
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
  const nextCursor = cursorAfter(context.settings.syncKey.column, work.cursorBefore, work.rows);
  const db = await getDb();
  const outcome = await db.$transaction(async (tx) => {
    // Guarded on pagesCommitted: if another worker committed this page meanwhile, this one is dropped.
    const updated = await tx.$queryRaw<{ cancelRequested: boolean }[]>`UPDATE "SyncRun" SET
        "rowsRead" = "rowsRead" + ${counts.read}, "rowsInvalid" = "rowsInvalid" + ${counts.invalid},
        "rowsUnchanged" = "rowsUnchanged" + ${counts.unchanged}, "rowsCreated" = "rowsCreated" + ${counts.created},
        "rowsUpdated" = "rowsUpdated" + ${counts.updated}, "rowsRejected" = "rowsRejected" + ${counts.rejected},
        "rowsRetried" = "rowsRetried" + ${counts.retried}, "fieldsDropped" = "fieldsDropped" + ${counts.fieldsDropped},
        "pagesCommitted" = "pagesCommitted" + 1,
        "cursor" = ${nextCursor ? encodeCursor(nextCursor) : null}
      WHERE "id" = ${run.id} AND "status" = 'RUNNING' AND "pagesCommitted" = ${position.pagesCommitted}
      RETURNING "cancelRequested"`;
    const row = updated[0];
    if (!row) return null;
    await saveStates(tx, run, [...stateWrites(accepted, rejected), ...work.seenWithoutSending.map((s) => ({ key: s.key, hash: s.hash, rejected: false }))]);
    await recordErrors({ runId: run.id, workspaceId: run.workspaceId, syncId: run.syncId, errors }, tx);
    await appendRunLog(run.id, counts.rejected || counts.invalid || counts.fieldsDropped ? "warn" : "info", "page", formatPageLog(page, counts, skipRows), tx);
    return row;
  });
  if (!outcome) return { committed: false, cancelRequested: false };
  position.cursor = nextCursor;
  position.pagesCommitted = page;
  return { committed: true, cancelRequested: outcome.cancelRequested };
}

/** Pages held between read and commit at most; a partial batch goes out when they are all waiting on it. */
const MAX_OPEN_PAGES = 256;
/** Settled pages waiting for their commit at most, before reading waits for the commits. */
const MAX_QUEUED_COMMITS = 4;

export type PagesResult = { done: boolean; processed: number };

/**
 * One page step, pipelined: loads the run, its context and configs once; reads page N+1 while page N is
 * compared; fills delivery batches across pages up to the destination's record and byte limits and
 * sends them concurrently (up to the run's cap, within the account's limit shared by every run of this
 * process); commits each page, in order, once all of its records are settled. It stops after
 * `maxPages` pages (and, with `minMs`, at least that long), at the end of the model, at a requested
 * cancel (the run is cancelled here), or when `shouldStop` says so. After a crash at most the batches
 * that were in flight are sent again.
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
  const { settings, source, destination, object } = context;
  const columns = settings.syncAllColumns ? await source.describeModel({ config: context.sourceConfig, model: settings.model, signal }) : [];
  const session: StepSession = {
    run,
    context,
    builder: createRecordBuilder({ settings, object, columns, destination }),
    skipRows: await isFirstRunSkippingRows(run, settings),
    deps,
  };
  const position: Position = { cursor: decodeCursor(run.cursor), pagesCommitted: run.pagesCommitted };
  const keyColumn = settings.syncKey.column;

  const sender = createBatchSender({ destination, config: context.destinationConfig, object, behavior: settings.behavior, signal, options: deps.delivery });
  const runLimit = runInFlightLimit(object, deps.delivery);
  const account = `${destination.id}:${run.sync.destinationId}`;
  const { maxBatchRecords, maxBatchBytes, maxRecordBytes } = object.limits;
  const measure = maxBatchBytes !== undefined || maxRecordBytes !== undefined;
  const recordLimit = Math.min(maxRecordBytes ?? Infinity, maxBatchBytes ?? Infinity);

  const open: PageWork[] = [];
  let batch: { records: OutRecord[]; owners: PageWork[]; bytes: number } = { records: [], owners: [], bytes: 0 };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let halt: "cancel" | "lost" | null = null;
  let committed = 0;
  let classified = 0;

  const send = async (records: OutRecord[], owners: PageWork[]) => {
    const release = await acquireAccountSlot(account, object.limits.maxConcurrency, signal);
    try {
      const results = await sender.send(records);
      results.forEach((result, i) => {
        const owner = owners[i]!;
        owner.results.push(result);
        owner.pending -= 1;
      });
    } catch (error) {
      failure ??= error;
    } finally {
      release();
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
  const commitInOrder = (work: PageWork) => {
    queuedCommits += 1;
    committing = committing.then(async () => {
      try {
        if (halt || failure !== undefined) {
          uncommitted.push(work);
          return;
        }
        const outcome = await commitPage(session, position, work);
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
    while (!halt && failure === undefined && open.length > 0 && open[0]!.sealed && open[0]!.pending === 0) commitInOrder(open.shift()!);
    if (queuedCommits > MAX_QUEUED_COMMITS) await committing;
  };
  const dispatch = async () => {
    if (batch.records.length === 0) return;
    while (inFlight.size >= runLimit) {
      await waitForOne();
      await commitReady();
    }
    // Commits of settled pages answer whether a cancel was requested: none goes unseen before a new batch.
    if (queuedCommits > 0) await committing;
    // A cancel, failure or stop seen meanwhile: the batch stays unsent, its pages uncommitted (read again on resume).
    if (halt || failure !== undefined || p.shouldStop?.()) return;
    const { records, owners } = batch;
    batch = { records: [], owners: [], bytes: 0 };
    const sending = send(records, owners);
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  };
  const enqueue = async (work: PageWork) => {
    for (const [key, item] of work.toSend) {
      const bytes = measure ? destination.measureRecord({ object, record: item.record }) : 0;
      if (bytes > recordLimit) {
        work.toSend.delete(key);
        invalidate(work, key, [{ reason: `record is ${bytes} bytes, over ${destination.label}'s limit of ${recordLimit} bytes per record` }]);
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
      const nextCursor = cursorAfter(keyColumn, readCursor, read.rows);
      const more = !read.done && (classified < p.maxPages || Date.now() - started < (p.minMs ?? 0)) && !p.shouldStop?.();
      // Read ahead from where this page will leave the cursor, while it is compared and sent.
      reading = more ? readAfter(session, nextCursor) : null;
      reading?.catch(() => {});
      const work = await classifyPage(session, readCursor, read);
      readCursor = nextCursor;
      if (work.counts.read === 0) {
        // Only rows committed before: the end of the model. A full page of them would mean the source ignored `after`.
        if (!read.done) throw new Error(`${source.label} returned the same rows again instead of the rows after the cursor`);
        done = true;
        break;
      }
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
    throw failure;
  }
  if (halt === "cancel") {
    await cancelRun(run.id);
    return { done: true, processed: committed };
  }
  if (readFailure && !halt) throw readFailure.error;
  if (halt === "lost") return { done: false, processed: committed };
  return { done: done && open.length === 0 && uncommitted.length === 0, processed: committed };
}

/**
 * Reports rows with a null key and sets the final status: SUCCEEDED, or SUCCEEDED_WITH_REJECTIONS when
 * any row was invalid or rejected. Answers the run's status afterwards.
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
  const nullKeys = await context.source.readNullKeyRows({
    config: context.sourceConfig,
    model: context.settings.model,
    keyColumn,
    limit: p.deps.nullKeyReportLimit ?? DEFAULT_NULL_KEY_REPORT_LIMIT,
    signal: p.deps.signal,
  });
  const errors: RecordErrorInput[] = nullKeys.rows.map(() => ({ kind: "INVALID", recordKey: null, field: keyColumn, reason: `sync key column ${keyColumn} is null` }));
  const unlisted = nullKeys.total - nullKeys.rows.length;
  if (unlisted > 0) {
    errors.push({ kind: "INVALID", recordKey: null, field: keyColumn, reason: `${unlisted} more rows have a null sync key column ${keyColumn} (not listed one by one)` });
  }

  const read = run.rowsRead + nullKeys.total;
  const invalid = run.rowsInvalid + nullKeys.total;
  const status: RunStatus = invalid + run.rowsRejected > 0 ? "SUCCEEDED_WITH_REJECTIONS" : "SUCCEEDED";
  const finishedAt = new Date();
  const seconds = ((finishedAt.getTime() - (run.startedAt ?? run.queuedAt).getTime()) / 1000).toFixed(1);
  await db.$transaction(async (tx) => {
    const moved = await transitionRun({
      runId: run.id,
      from: ["RUNNING"],
      to: status,
      data: { rowsRead: read, rowsInvalid: invalid, finishedAt },
      client: tx,
    });
    if (!moved) return;
    await recordErrors({ runId: run.id, workspaceId: run.workspaceId, syncId: run.syncId, errors }, tx);
    if (nullKeys.total > 0) await appendRunLog(run.id, "warn", "finalize", `${nullKeys.total} rows have a null sync key (${keyColumn}) and were not sent`, tx);
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

/** Deletes step logs and record errors older than the retention (14 days). */
export async function cleanupOldRunData(p: { now?: Date; retentionDays?: number } = {}): Promise<{ logs: number; errors: number }> {
  const db = await getDb();
  const cutoff = new Date((p.now ?? new Date()).getTime() - (p.retentionDays ?? RETENTION_DAYS) * 24 * 60 * 60 * 1000);
  const logs = await db.syncRunLog.deleteMany({ where: { at: { lt: cutoff } } });
  const errors = await db.syncRecordError.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return { logs: logs.count, errors: errors.count };
}

/**
 * The sync engine as step functions. Each step reloads the run, the sync and the connections from the
 * database, so Inngest can run every step in a different process and a runner can resume a run whose
 * process died: everything a later step needs is committed at the end of the step before it.
 */
import { type DestinationConnector, type DestinationObject, FILE_ROOT_KEY, type FieldProblem, type OutRecord, type RecordResult, type SourceColumn, type SourceConnector } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import type { RunStatus, Sync, SyncRun } from "~/server/db/generated/client";
import { createRecordBuilder, formatKey } from "./build-record";
import { decodeCursor, encodeCursor } from "./cursor";
import { parseStoredSettings, validateSyncDefinition, type SyncSettings } from "./definition";
import { DeliveryError, deliverRecords, type DeliveryOptions } from "./deliver";
import { hashPayload } from "./hash";
import { appendRunLog, recordErrors, transitionRun, type DbClient, type RecordErrorInput } from "./run-status";

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

async function cancelRun(runId: string, client?: DbClient): Promise<void> {
  if (await transitionRun({ runId, from: ["QUEUED", "RUNNING"], to: "CANCELLED", client })) {
    await appendRunLog(runId, "info", "cancel", "Cancelled", client);
  }
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
    await db.syncRun.updateMany({ where: { id: run.id, status: "RUNNING" }, data: { attempt: { increment: 1 } } });
    await appendRunLog(run.id, "info", "prepare", `Resuming after page ${run.pagesCommitted} (attempt ${run.attempt + 1})`);
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
type PageCounts = { read: number; invalid: number; unchanged: number; created: number; updated: number; rejected: number; retried: number };

async function isFirstRunSkippingRows(run: RunWithSync, settings: SyncSettings): Promise<boolean> {
  if (settings.initialSync !== "skip" || run.fullResync) return false;
  const db = await getDb();
  const finished = await db.syncRun.count({
    where: { syncId: run.syncId, id: { not: run.id }, status: { in: ["SUCCEEDED", "SUCCEEDED_WITH_REJECTIONS"] } },
  });
  return finished === 0;
}

async function saveAcceptedStates(tx: DbClient, run: RunWithSync, accepted: { key: string; hash: string; externalId?: string }[]): Promise<void> {
  if (accepted.length === 0) return;
  const rows = JSON.stringify(accepted.map((a) => ({ k: a.key, h: a.hash, e: a.externalId ?? null })));
  await tx.$executeRaw`INSERT INTO "SyncRecordState" ("syncId", "recordKey", "workspaceId", "payloadHash", "rejectedAt", "externalId", "updatedAt")
    SELECT ${run.syncId}, x.k, ${run.workspaceId}, x.h, NULL, x.e, now() FROM jsonb_to_recordset(${rows}::jsonb) AS x(k text, h text, e text)
    ON CONFLICT ("syncId", "recordKey") DO UPDATE SET "payloadHash" = EXCLUDED."payloadHash", "rejectedAt" = NULL,
      "externalId" = COALESCE(EXCLUDED."externalId", "SyncRecordState"."externalId"), "updatedAt" = now()`;
}

/** Rejected keys keep their last accepted hash, so the next run sends them again. */
async function saveRejectedStates(tx: DbClient, run: RunWithSync, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const rows = JSON.stringify(keys.map((k) => ({ k })));
  await tx.$executeRaw`INSERT INTO "SyncRecordState" ("syncId", "recordKey", "workspaceId", "payloadHash", "rejectedAt", "updatedAt")
    SELECT ${run.syncId}, x.k, ${run.workspaceId}, NULL, now(), now() FROM jsonb_to_recordset(${rows}::jsonb) AS x(k text)
    ON CONFLICT ("syncId", "recordKey") DO UPDATE SET "rejectedAt" = now(), "updatedAt" = now()`;
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

function formatPageLog(page: number, counts: PageCounts, skipped: boolean): string {
  const parts = [`read ${counts.read}`, `created ${counts.created}`, `updated ${counts.updated}`, `unchanged ${counts.unchanged}`];
  if (counts.invalid) parts.push(`invalid ${counts.invalid}`);
  if (counts.rejected) parts.push(`rejected ${counts.rejected}`);
  if (counts.retried) parts.push(`retried ${counts.retried}`);
  return `Page ${page}: ${parts.join(", ")}${skipped ? " (initial sync skipped: rows marked as seen, nothing sent)" : ""}`;
}

/**
 * Reads, compares, sends and commits one page. Answers done after the last page, or when the run is no
 * longer running (cancelled here when a cancel was requested).
 */
export async function processNextPage(p: { runId: string; deps: EngineDeps }): Promise<StepResult> {
  p.deps.signal?.throwIfAborted();
  const db = await getDb();
  const run = await loadRun(p.runId);
  if (run.status === "QUEUED") throw new Error(`Run ${run.id} has not been prepared`);
  if (run.status !== "RUNNING") return { done: true };
  if (run.cancelRequested) {
    await cancelRun(run.id);
    return { done: true };
  }
  const context = await loadRunContext(run, p.deps);
  const { settings, source, destination, object } = context;
  const keyColumn = settings.syncKey.column;
  const isEvent = object.type === "event";
  const signal = p.deps.signal;

  const columns = settings.syncAllColumns ? await source.describeModel({ config: context.sourceConfig, model: settings.model, signal }) : [];
  const builder = createRecordBuilder({ settings, object, columns });
  const cursor = decodeCursor(run.cursor);
  const limit = (p.deps.pageSize ?? DEFAULT_PAGE_SIZE) + (cursor?.seen ?? 0);
  const rows = await source.readPage({ config: context.sourceConfig, model: settings.model, keyColumn, after: cursor?.value, limit, signal });
  const done = rows.length < limit;

  const cursorKey = cursor ? formatKey(cursor.value) : null;
  let toSkip = cursor?.seen ?? 0;
  let last = { key: cursorKey, value: cursor?.value, seen: 0 };
  const counts: PageCounts = { read: 0, invalid: 0, unchanged: 0, created: 0, updated: 0, rejected: 0, retried: 0 };
  const errors: RecordErrorInput[] = [];
  const keysInPage = new Set<string>();
  const built: { key: string; record: OutRecord }[] = [];
  const invalidate = (key: string, problems: FieldProblem[]) => {
    counts.invalid += 1;
    for (const problem of problems) errors.push({ kind: "INVALID", recordKey: key, field: problem.field, reason: problem.reason, code: problem.code });
  };

  for (const row of rows) {
    const raw = row[keyColumn];
    const key = formatKey(raw);
    // Sources leave null keys out of pages; finalizeRun reports them.
    if (key === null) continue;
    last = key === last.key ? { ...last, seen: last.seen + 1 } : { key, value: raw, seen: 1 };
    if (key === cursorKey && toSkip > 0) {
      toSkip -= 1;
      continue;
    }
    counts.read += 1;
    if (key === cursorKey || keysInPage.has(key)) {
      invalidate(key, [{ field: keyColumn, reason: `duplicate sync key '${key}' in column ${keyColumn}: only the first row with this key is synced` }]);
      continue;
    }
    keysInPage.add(key);
    const result = builder.build(row);
    if (!result.record) {
      invalidate(key, result.problems);
      continue;
    }
    const problems = destination.validateRecord({ object, behavior: settings.behavior, record: result.record });
    if (problems.length > 0) invalidate(key, problems);
    else built.push({ key, record: result.record });
  }

  const skipRows = await isFirstRunSkippingRows(run, settings);
  const states = built.length
    ? await db.syncRecordState.findMany({
        where: { syncId: run.syncId, recordKey: { in: built.map((b) => b.key) } },
        select: { recordKey: true, payloadHash: true, rejectedAt: true },
      })
    : [];
  const stateByKey = new Map(states.map((s) => [s.recordKey, s]));
  const seenWithoutSending: { key: string; hash: string }[] = [];
  const toSend = new Map<string, Classified>();
  const updateOnly = context.settings.behavior === "update";
  for (const { key, record } of built) {
    const hash = hashPayload(record);
    const state = stateByKey.get(key);
    if (skipRows) {
      seenWithoutSending.push({ key, hash });
      counts.unchanged += 1;
      continue;
    }
    const retried = Boolean(state?.rejectedAt);
    // Update Only never creates: a key this sync has not delivered yet is still sent as an update.
    if (!state || state.payloadHash === null) toSend.set(key, { record, hash, change: updateOnly ? "update" : "create", retried });
    // An event goes out once per key, whatever changes later.
    else if (isEvent || state.payloadHash === hash) counts.unchanged += 1;
    else toSend.set(key, { record, hash, change: "update", retried });
  }

  let results: RecordResult[] = [];
  if (toSend.size > 0) {
    try {
      const delivery = await deliverRecords({
        destination,
        config: context.destinationConfig,
        object,
        behavior: settings.behavior,
        records: [...toSend.values()].map((c) => c.record),
        signal,
        options: p.deps.delivery,
      });
      results = delivery.results;
      for (const { record, bytes, limit: max } of delivery.oversized) {
        toSend.delete(record.key);
        invalidate(record.key, [{ reason: `record is ${bytes} bytes, over ${destination.label}'s limit of ${max} bytes per record` }]);
      }
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      // Keep what the destination already accepted, so a retry of this page does not send it again.
      const { accepted, rejected } = splitResults(toSend, error.completed);
      await db.$transaction(async (tx) => {
        await saveAcceptedStates(tx, run, accepted);
        await saveRejectedStates(tx, run, rejected.map((r) => r.key));
      });
      throw error;
    }
  }

  const { accepted, rejected } = splitResults(toSend, results);
  for (const item of toSend.values()) if (item.retried) counts.retried += 1;
  for (const a of accepted) {
    if (a.item.change === "create") counts.created += 1;
    else counts.updated += 1;
  }
  counts.rejected = rejected.length;
  for (const r of rejected) errors.push({ kind: "REJECTED", recordKey: r.key, field: r.field, reason: r.message, code: r.code });

  if (counts.read === 0) {
    // Only rows committed before: the end of the model. A full page of them would mean the source ignored `after`.
    if (!done) throw new Error(`${source.label} returned the same rows again instead of the rows after the cursor`);
    return { done: true };
  }
  const page = run.pagesCommitted + 1;
  const seen = last.key === cursorKey ? Math.max(last.seen, cursor?.seen ?? 0) : last.seen;
  const nextCursor = encodeCursor({ value: last.value, seen });

  const committed = await db.$transaction(async (tx) => {
    // Guarded on pagesCommitted: if another worker committed this page meanwhile, this one is dropped.
    const { count } = await tx.syncRun.updateMany({
      where: { id: run.id, status: "RUNNING", pagesCommitted: run.pagesCommitted },
      data: {
        rowsRead: { increment: counts.read },
        rowsInvalid: { increment: counts.invalid },
        rowsUnchanged: { increment: counts.unchanged },
        rowsCreated: { increment: counts.created },
        rowsUpdated: { increment: counts.updated },
        rowsRejected: { increment: counts.rejected },
        rowsRetried: { increment: counts.retried },
        pagesCommitted: { increment: 1 },
        cursor: nextCursor,
      },
    });
    if (count === 0) return false;
    await saveAcceptedStates(tx, run, [...accepted, ...seenWithoutSending]);
    await saveRejectedStates(tx, run, rejected.map((r) => r.key));
    await recordErrors({ runId: run.id, workspaceId: run.workspaceId, syncId: run.syncId, errors }, tx);
    await appendRunLog(run.id, counts.rejected || counts.invalid ? "warn" : "info", "page", formatPageLog(page, counts, skipRows), tx);
    return true;
  });
  return { done: committed ? done : false };
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
      `Finished in ${seconds} s after ${run.pagesCommitted} pages: read ${read}, created ${run.rowsCreated}, updated ${run.rowsUpdated}, unchanged ${run.rowsUnchanged}, invalid ${invalid}, rejected ${run.rowsRejected}, retried ${run.rowsRetried}`,
      tx,
    );
  });
  return { status: (await loadRun(p.runId)).status };
}

/** Marks a queued or running run FAILED with the reason (Inngest onFailure, the in-process runner). */
export async function failRun(p: { runId: string; error: unknown }): Promise<boolean> {
  const message = (p.error instanceof Error ? p.error.message : String(p.error)) || "The run failed without a message";
  const moved = await transitionRun({ runId: p.runId, from: ["QUEUED", "RUNNING"], to: "FAILED", data: { error: message } });
  if (moved) await appendRunLog(p.runId, "error", "fail", `Failed: ${message}`);
  return moved;
}

/**
 * Runs prepare, every page and finalize in this process. An error fails the run; an abort leaves it
 * RUNNING so it can resume, unless a cancel was requested, which cancels it.
 */
export async function executeRun(p: { runId: string; deps: EngineDeps }): Promise<{ status: RunStatus }> {
  try {
    let step = await prepareRun(p);
    while (!step.done) step = await processNextPage(p);
    return await finalizeRun(p);
  } catch (error) {
    const run = await loadRun(p.runId);
    if (run.cancelRequested) await cancelRun(run.id);
    else if (!p.deps.signal?.aborted) await failRun({ runId: p.runId, error });
    return { status: (await loadRun(p.runId)).status };
  }
}

/** Deletes step logs and record errors older than the retention (14 days). */
export async function cleanupOldRunData(p: { now?: Date; retentionDays?: number } = {}): Promise<{ logs: number; errors: number }> {
  const db = await getDb();
  const cutoff = new Date((p.now ?? new Date()).getTime() - (p.retentionDays ?? RETENTION_DAYS) * 24 * 60 * 60 * 1000);
  const logs = await db.syncRunLog.deleteMany({ where: { at: { lt: cutoff } } });
  const errors = await db.syncRecordError.deleteMany({ where: { createdAt: { lt: cutoff } } });
  return { logs: logs.count, errors: errors.count };
}

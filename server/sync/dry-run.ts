/**
 * A dry run: what the next run would do, decided by the engine's own code (build-record, the
 * destination's validateRecord and buildPayload, the payload hash and the saved states) with nothing
 * sent and nothing written. `sampleRecords` shows the first rows in key order with the exact payload
 * each would send; `countInvalidRows` reads the whole model page by page and counts the invalid rows
 * by field and reason.
 */
import type { FieldProblem, OutRecord, Row } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import { createRecordBuilder, formatKey, type RecordBuilder } from "./build-record";
import { decideChange, duplicateKeyProblem, measureRecordSize, type RecordChange } from "./classify-record";
import { encodeCursor, type PageCursor } from "./cursor";
import { cursorAfter, isFirstRunSkippingRows, type SyncContext } from "./engine";
import { hashPayload } from "./hash";
import { lookupStates } from "./record-state";

export const DRY_RUN_SAMPLE_SIZE = 50;
const WHOLE_MODEL_PAGE_SIZE = 1000;
/** A check that reads longer than this stops and says how far it got. */
export const WHOLE_MODEL_MAX_MS = 60_000;
/** Distinct field-and-reason groups kept; the rest are counted together, so memory stays bounded. */
const MAX_GROUPS = 50;
const EXAMPLE_KEYS_PER_GROUP = 5;

export type DryRunFate = RecordChange | "invalid";

export type DryRunRow = {
  key: string;
  fate: DryRunFate;
  /** The JSON this row becomes in the request body; null for an invalid row, which is never sent. */
  payload: unknown;
  problems: FieldProblem[];
};

export type DryRunSample = {
  rows: DryRunRow[];
  counts: Record<DryRunFate, number>;
  /** The sync's first run skips current rows (marks them as seen and sends nothing). */
  skipsInitialRows: boolean;
  /** Rows with a null sync key, which are invalid and never in a sample (pages hold non-null keys only). */
  nullKeyRows: number;
};

export type InvalidGroup = { field: string | null; reason: string; rows: number; exampleKeys: string[] };

export type InvalidRowCount = {
  rowsChecked: number;
  invalidRows: number;
  groups: InvalidGroup[];
  /** False when the check stopped at its time limit before the end of the model. */
  complete: boolean;
  /** The model's row count when the source can count cheaply (counted on a check's first part only). */
  totalRows: number | null;
  /** Where the next part starts (`after`), or null at the end of the model. */
  nextCursor: string | null;
};

type Classified = { key: string; record: OutRecord } | { key: string; record?: undefined; problems: FieldProblem[] };

/** The JSON text the destination receives, parsed back: undefined members gone, as on the wire. */
function toWireJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

async function prepareBuilder(context: SyncContext, signal?: AbortSignal): Promise<RecordBuilder> {
  const { settings, source, sourceConfig, object, destination } = context;
  const columns = settings.syncAllColumns ? await source.describeModel({ config: sourceConfig, model: settings.model, signal }) : [];
  return createRecordBuilder({ settings, object, columns, destination });
}

/**
 * Classifies a page the way a run does: rows already counted on the previous page (`cursor.seen`) are
 * skipped, a key seen before is a duplicate, every other row is built, checked and measured.
 */
function classifyRows(context: SyncContext, builder: RecordBuilder, rows: Row[], cursor: PageCursor | null, seenKeys: Set<string>): Classified[] {
  const { settings, destination, object } = context;
  const keyColumn = settings.syncKey.column;
  const cursorKey = cursor ? formatKey(cursor.value) : null;
  let toSkip = cursor?.seen ?? 0;
  const out: Classified[] = [];
  for (const row of rows) {
    const key = formatKey(row[keyColumn]);
    if (key === null) continue;
    if (key === cursorKey && toSkip > 0) {
      toSkip -= 1;
      continue;
    }
    if (key === cursorKey || seenKeys.has(key)) {
      out.push({ key, problems: [duplicateKeyProblem(keyColumn, key)] });
      continue;
    }
    seenKeys.add(key);
    const built = builder.build(row);
    if (!built.record) {
      out.push({ key, problems: built.problems });
      continue;
    }
    const { problem } = measureRecordSize({ destination, object, record: built.record });
    out.push(problem ? { key, problems: [problem] } : { key, record: built.record });
  }
  return out;
}

/** The first rows of the model in key order, each with its fate and the payload it would send. */
export async function sampleRecords(p: { context: SyncContext; syncId: string | null; limit?: number; signal?: AbortSignal }): Promise<DryRunSample> {
  const { context, signal } = p;
  const { settings, source, sourceConfig, destination, object } = context;
  const keyColumn = settings.syncKey.column;
  const builder = await prepareBuilder(context, signal);
  const rows = await source.readPage({ config: sourceConfig, model: settings.model, keyColumn, limit: p.limit ?? DRY_RUN_SAMPLE_SIZE, signal });
  const nullKeys = await source.readNullKeyRows({ config: sourceConfig, model: settings.model, keyColumn, limit: 1, signal });
  const classified = classifyRows(context, builder, rows, null, new Set());

  const valid = classified.filter((c): c is Extract<Classified, { record: OutRecord }> => c.record !== undefined);
  // Read-only lookup of the same states a run compares against; an unsaved sync has none.
  const states = p.syncId ? await lookupStates(await getDb(), p.syncId, valid.map((c) => c.key)) : new Map();
  const skipsInitialRows = await isFirstRunSkippingRows({ syncId: p.syncId, settings, fullResync: false });
  const isEvent = object.type === "event";
  const updateOnly = settings.behavior === "update";

  const counts: Record<DryRunFate, number> = { create: 0, update: 0, unchanged: 0, invalid: 0 };
  const out: DryRunRow[] = classified.map((item) => {
    if (!item.record) {
      counts.invalid += 1;
      return { key: item.key, fate: "invalid", payload: null, problems: item.problems };
    }
    const fate = skipsInitialRows ? "unchanged" : decideChange({ state: states.get(item.key), record: item.record, hash: hashPayload(item.record), isEvent, updateOnly });
    counts[fate] += 1;
    return { key: item.key, fate, payload: toWireJson(destination.buildPayload({ object, behavior: settings.behavior, record: item.record })), problems: [] };
  });
  return { rows: out, counts, skipsInitialRows, nullKeyRows: nullKeys.total };
}

/**
 * One group per kind of problem, not per value: a reason that quotes the row's value or size
 * ("value '+44 20…' in column phone is not …") is grouped without it.
 */
export function groupReason(reason: string): string {
  return reason
    .replace(/^value '[\s\S]*' in (column|constant|event)/, "value in $1")
    .replace(/^duplicate sync key '[\s\S]*' in column/, "duplicate sync key in column")
    .replace(/\b\d+ bytes\b/, "too many bytes");
}

/**
 * Reads the whole model in keyset pages (one page in memory at a time) and counts the rows that would
 * be invalid, grouped by field and reason. Stops after `maxMs` with `complete: false` and the cursor to
 * go on from: the browser checks a large model in parts of a few seconds, showing its progress, and
 * `after` (that cursor) keeps the count of rows seen with the last key, so a duplicate key that spans
 * two parts is still found.
 */
export async function countInvalidRows(p: { context: SyncContext; after?: PageCursor | null; pageSize?: number; maxMs?: number; signal?: AbortSignal }): Promise<InvalidRowCount> {
  const { context, signal } = p;
  const { settings, source, sourceConfig } = context;
  const keyColumn = settings.syncKey.column;
  const pageSize = p.pageSize ?? WHOLE_MODEL_PAGE_SIZE;
  const deadline = Date.now() + (p.maxMs ?? WHOLE_MODEL_MAX_MS);
  const builder = await prepareBuilder(context, signal);
  const totalRows = p.after ? null : await source.countRows({ config: sourceConfig, model: settings.model, signal });

  const groups = new Map<string, InvalidGroup>();
  const count = (key: string | null, problem: FieldProblem, rows = 1) => {
    const field = problem.field ?? null;
    const reason = groupReason(problem.reason);
    let id = `${field ?? ""}\u0000${reason}`;
    if (!groups.has(id) && groups.size >= MAX_GROUPS) id = "\u0000other";
    const group = groups.get(id) ?? { field: id === "\u0000other" ? null : field, reason: id === "\u0000other" ? "other reasons" : reason, rows: 0, exampleKeys: [] };
    group.rows += rows;
    if (key !== null && group.exampleKeys.length < EXAMPLE_KEYS_PER_GROUP && !group.exampleKeys.includes(key)) group.exampleKeys.push(key);
    groups.set(id, group);
  };

  // As in a run, duplicates are found within a page and, through the cursor, across a page boundary:
  // rows come in key order, so equal keys are adjacent and no set of every key is needed.
  let cursor: PageCursor | null = p.after ?? null;
  let rowsChecked = 0;
  let invalidRows = 0;
  let complete = false;
  // At least one page per call, so a part always moves the cursor on.
  for (let first = true; first || Date.now() < deadline; first = false) {
    signal?.throwIfAborted();
    const limit = pageSize + (cursor?.seen ?? 0);
    const rows = await source.readPage({ config: sourceConfig, model: settings.model, keyColumn, after: cursor?.value, limit, signal });
    const classified = classifyRows(context, builder, rows, cursor, new Set());
    for (const item of classified) {
      rowsChecked += 1;
      if (item.record) continue;
      invalidRows += 1;
      for (const problem of item.problems) count(item.key, problem);
    }
    cursor = cursorAfter(keyColumn, cursor, rows);
    if (rows.length < limit) {
      complete = true;
      break;
    }
    if (classified.length === 0) throw new Error(`${source.label} returned the same rows again instead of the rows after the cursor`);
  }

  if (complete) {
    const nullKeys = await source.readNullKeyRows({ config: sourceConfig, model: settings.model, keyColumn, limit: 1, signal });
    if (nullKeys.total > 0) {
      rowsChecked += nullKeys.total;
      invalidRows += nullKeys.total;
      count(null, { field: keyColumn, reason: `sync key column ${keyColumn} is null` }, nullKeys.total);
    }
  }
  return {
    rowsChecked,
    invalidRows,
    groups: [...groups.values()].sort((a, b) => b.rows - a.rows),
    complete,
    totalRows,
    nextCursor: complete || cursor === null ? null : encodeCursor(cursor),
  };
}

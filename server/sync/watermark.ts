/**
 * Incremental reads. A sync with change tracking keeps a watermark: the highest value of its
 * change-tracking column that a successful run read. A run reads only rows past the watermark minus the
 * look-back, unless a full compare is due (no watermark yet, a full resync, or `fullCompareHours` since
 * the last full read). Rows an incremental run does not read are not compared at all: they count as
 * neither read nor unchanged, and rows rejected earlier are retried when they change or at the next
 * full compare.
 */
import type { Row } from "~/server/connectors/types";
import { decodeValue, encodeValue } from "./cursor";
import type { ChangeTracking } from "./definition";

/** A change-tracking value and the column it was read from (a watermark of another column means nothing). */
export type Watermark = { column: string; value: unknown };

export function encodeWatermark(watermark: Watermark): string {
  return JSON.stringify({ column: watermark.column, v: encodeValue(watermark.value) });
}

export function decodeWatermark(text: string | null): Watermark | null {
  if (!text) return null;
  const parsed = JSON.parse(text) as { column: string; v: unknown };
  return { column: parsed.column, value: decodeValue(parsed.v) };
}

const INTEGER = /^-?\d+$/;

function toComparable(value: unknown): number | bigint | string {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return value;
  const text = String(value);
  if (INTEGER.test(text)) return BigInt(text);
  const number = Number(text);
  if (text.trim() !== "" && Number.isFinite(number)) return number;
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : time;
}

/** Orders change-tracking values as the source does: dates by time, numbers (also int8/decimal text) by value. */
export function compareChangeValues(a: unknown, b: unknown): number {
  const x = toComparable(a);
  const y = toComparable(b);
  if (typeof x === "string" || typeof y === "string") return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
  if (typeof x === "bigint" || typeof y === "bigint") {
    // Mixed bigint and fractional number: fall back to Number (exact enough to order them).
    if (typeof x === "number" && !Number.isInteger(x)) return x - Number(y);
    if (typeof y === "number" && !Number.isInteger(y)) return Number(x) - y;
    const bx = BigInt(x);
    const by = BigInt(y);
    return bx < by ? -1 : bx > by ? 1 : 0;
  }
  return x - y;
}

/** The highest non-null value of `column` among the rows, or `current` when none is higher. */
export function maxChangeValue(column: string, rows: Row[], current: unknown): unknown {
  let max = current;
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (max === null || max === undefined || compareChangeValues(value, max) > 0) max = value;
  }
  return max;
}

/** The watermark minus the look-back: date values move back by the minutes, numbers stay. */
export function applyLookback(value: unknown, lookbackMinutes: number): unknown {
  if (lookbackMinutes <= 0) return value;
  if (value instanceof Date) return new Date(value.getTime() - lookbackMinutes * 60_000);
  if (typeof value === "string" && !INTEGER.test(value) && !Number.isFinite(Number(value)) && !Number.isNaN(Date.parse(value))) {
    return new Date(Date.parse(value) - lookbackMinutes * 60_000);
  }
  return value;
}

export type ReadPlan =
  | { mode: "full"; reason: string }
  | { mode: "incremental"; since: Watermark; watermark: Watermark; reason: string };

function describeValue(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** Decides, when a run starts, whether it reads the whole model or only the rows past the watermark. */
export function planRead(p: {
  changeTracking: ChangeTracking;
  watermark: string | null;
  lastFullCompareAt: Date | null;
  fullResync: boolean;
  now: Date;
}): ReadPlan {
  const { column, lookbackMinutes, fullCompareHours } = p.changeTracking;
  if (p.fullResync) return { mode: "full", reason: "full resync" };
  const watermark = decodeWatermark(p.watermark);
  if (!watermark) return { mode: "full", reason: "no watermark yet: the first run with change tracking reads every row" };
  if (watermark.column !== column) return { mode: "full", reason: `the change-tracking column changed from ${watermark.column} to ${column}` };
  const dueAt = p.lastFullCompareAt ? p.lastFullCompareAt.getTime() + fullCompareHours * 3_600_000 : 0;
  if (p.now.getTime() >= dueAt) {
    const last = p.lastFullCompareAt ? `the last one was at ${p.lastFullCompareAt.toISOString()}` : "none yet";
    return { mode: "full", reason: `full compare due every ${fullCompareHours} h (${last})` };
  }
  const since = { column, value: applyLookback(watermark.value, lookbackMinutes) };
  const lookback = since.value === watermark.value ? "" : ` minus a look-back of ${lookbackMinutes} min`;
  return {
    mode: "incremental",
    since,
    watermark,
    reason: `rows with ${column} > ${describeValue(since.value)} (watermark ${describeValue(watermark.value)}${lookback}); next full compare at ${new Date(dueAt).toISOString()}`,
  };
}

/** The watermark a successful run commits: the highest value it read, never below the previous one of the same column. */
export function nextWatermark(previous: string | null, runMax: string | null): string | null {
  const read = decodeWatermark(runMax);
  if (!read) return previous;
  const before = decodeWatermark(previous);
  if (before && before.column === read.column && compareChangeValues(before.value, read.value) >= 0) return previous;
  return runMax;
}

/**
 * Rows per page from the width of the rows just read: a page holds about PAGE_BYTE_BUDGET of row data,
 * so a step's memory stays bounded whether a row is six numbers or a wide JSON document, and narrow
 * tables pay the per-page costs (a state lookup, a commit) once per many rows.
 */
import type { Row } from "~/server/connectors/types";

export const PAGE_BYTE_BUDGET = 4 * 2 ** 20;
export const MIN_PAGE_ROWS = 100;
export const MAX_PAGE_ROWS = 10_000;
/** Rows measured per page: enough for an average, cheap next to building the records. */
const SAMPLE_ROWS = 32;
/** Per row and per value: what the JavaScript objects holding them cost beyond their text. */
const ROW_OVERHEAD_BYTES = 64;
const VALUE_OVERHEAD_BYTES = 16;

function valueBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "string") return value.length;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value instanceof Date) return 8;
  if (value instanceof Uint8Array) return value.byteLength;
  return JSON.stringify(value)?.length ?? 0;
}

/** Estimated bytes of one row held in memory. */
export function estimateRowBytes(row: Row): number {
  let bytes = ROW_OVERHEAD_BYTES;
  for (const key in row) bytes += key.length + VALUE_OVERHEAD_BYTES + valueBytes(row[key]);
  return bytes;
}

/** The next page's size, from a sample of `rows`; `current` when there is nothing to measure. */
export function choosePageSize(rows: Row[], current: number): number {
  if (rows.length === 0) return current;
  const step = Math.max(1, Math.floor(rows.length / SAMPLE_ROWS));
  let total = 0;
  let sampled = 0;
  for (let i = 0; i < rows.length; i += step) {
    total += estimateRowBytes(rows[i]!);
    sampled += 1;
  }
  const rowsInBudget = Math.floor(PAGE_BYTE_BUDGET / (total / sampled));
  return Math.max(MIN_PAGE_ROWS, Math.min(MAX_PAGE_ROWS, rowsInBudget));
}

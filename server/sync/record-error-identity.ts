/**
 * How a record error names its row and its group. The reason keeps the row's own values ("value
 * '+44 20 7946 0007' in column phone is not …"); the group is the reason without them, so 999 rows with
 * the same problem are one group, and a row that no key can name (null, empty or repeated key) keeps a
 * few of its column values beside its position.
 */
import type { Row } from "~/server/connectors/types";
import { describeValue } from "./convert";

/** Quoted values end at a quote followed by a space, punctuation or the end, so "'O'Brien'" is one value. */
const QUOTED = /(^|[\s([{:,=])(['"]).*?\2(?=$|[\s,.;:)\]}])/g;
const NUMBER = /\b\d+(?:\.\d+)?\b/g;
const SAMPLE_COLUMNS = 4;

/** The reason with quoted text as '…' and numbers as N: what errors are grouped on. */
export function groupReason(reason: string): string {
  return reason.replace(QUOTED, (_m, before: string, quote: string) => `${before}${quote}…${quote}`).replace(NUMBER, "N");
}

/** A few non-empty column values of a row, other than `skip` (the key that failed to identify it). */
export function describeRowValues(row: Row, skip: string): string {
  const parts: string[] = [];
  for (const [column, value] of Object.entries(row)) {
    if (column === skip || value === null || value === undefined || value === "") continue;
    parts.push(`${column}=${describeValue(value)}`);
    if (parts.length === SAMPLE_COLUMNS) break;
  }
  return parts.length ? parts.join(", ") : "(every other column is empty)";
}

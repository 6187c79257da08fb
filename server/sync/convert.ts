/**
 * Source values → the engine's FieldValue for a mapping type. Destinations format these further
 * (CleverTap `$D_<epoch>`, Customer.io epoch seconds); here the question is only "is this a number /
 * date / boolean", and when it is not, the reason names the value and where it came from.
 */
import type { ColumnType, FieldType, FieldValue, JsonValue } from "~/server/connectors/types";

export type Conversion = { ok: true; value: FieldValue } | { ok: false; reason: string };

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0"]);
/** Numbers below this are read as epoch seconds, above as epoch milliseconds (1e11 s is the year 5138). */
const EPOCH_SECONDS_LIMIT = 1e11;

/** A short, printable copy of a value for error messages. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  else if (typeof value === "string") text = value;
  else if (typeof value === "object" && value !== null) text = safeJson(value);
  else text = String(value);
  return text.length > 60 ? `'${text.slice(0, 57)}…'` : `'${text}'`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

function fail(value: unknown, origin: string, what: string): Conversion {
  return { ok: false, reason: `value ${describeValue(value)} in ${origin} is not ${what}` };
}

function toText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "object" && value !== null) return safeJson(value);
  return String(value);
}

function toNumber(value: unknown, origin: string): Conversion {
  if (typeof value === "number") return Number.isFinite(value) ? { ok: true, value } : fail(value, origin, "a finite number");
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isSafeInteger(n) ? { ok: true, value: n } : fail(value, origin, "a number that fits in 53 bits without losing digits");
  }
  if (typeof value === "boolean") return { ok: true, value: value ? 1 : 0 };
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? fail(value, origin, "a valid date") : { ok: true, value: Math.floor(ms / 1000) };
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (NUMBER_PATTERN.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return { ok: true, value: n };
    }
  }
  return fail(value, origin, "a number");
}

function fromEpoch(n: number): Date {
  return new Date(Math.abs(n) < EPOCH_SECONDS_LIMIT ? n * 1000 : n);
}

function toDate(value: unknown, origin: string): Conversion {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === "number" || typeof value === "bigint") {
    const n = Number(value);
    if (Number.isFinite(n)) date = fromEpoch(n);
  } else if (typeof value === "string") {
    const text = value.trim();
    date = NUMBER_PATTERN.test(text) ? fromEpoch(Number(text)) : new Date(text);
  }
  if (!date || Number.isNaN(date.getTime())) return fail(value, origin, "a date");
  return { ok: true, value: new Date(date.getTime()) };
}

function toBoolean(value: unknown, origin: string): Conversion {
  if (typeof value === "boolean") return { ok: true, value };
  if (typeof value === "number" || typeof value === "bigint") {
    if (Number(value) === 1) return { ok: true, value: true };
    if (Number(value) === 0) return { ok: true, value: false };
  }
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return { ok: true, value: true };
    if (FALSE_WORDS.has(word)) return { ok: true, value: false };
  }
  return fail(value, origin, "a boolean (true/false, yes/no, 1/0)");
}

/**
 * JSON columns arrive parsed (objects, arrays) from PostgreSQL and MySQL and as text from files; both
 * become plain JSON data. Dates inside become ISO text and bigints digits, as JSON.stringify would write them.
 */
function toJson(value: unknown, origin: string): Conversion {
  if (typeof value === "string") {
    try {
      return { ok: true, value: JSON.parse(value) as JsonValue };
    } catch {
      return fail(value, origin, "valid JSON");
    }
  }
  if (typeof value === "number" || typeof value === "boolean") return { ok: true, value };
  if (value instanceof Date) return fail(value, origin, "JSON (it is a date: map it as Date)");
  if (typeof value === "object" && value !== null && !Buffer.isBuffer(value) && !(value instanceof Uint8Array)) {
    const text = safeJson(value);
    try {
      return { ok: true, value: JSON.parse(text) as JsonValue };
    } catch {
      return fail(value, origin, "JSON");
    }
  }
  return fail(value, origin, "JSON");
}

/**
 * Converts one value. `origin` says where it came from, e.g. "column price", and ends up in the reason.
 * Null stays null; a blank string is null for the non-string types (spreadsheets have no nulls).
 */
export function convertValue(value: unknown, type: FieldType, origin: string): Conversion {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (type !== "string" && typeof value === "string" && value.trim() === "") return { ok: true, value: null };
  switch (type) {
    case "string":
      return { ok: true, value: toText(value) };
    case "number":
      return toNumber(value, origin);
    case "date":
      return toDate(value, origin);
    case "boolean":
      return toBoolean(value, origin);
    case "json":
      return toJson(value, origin);
  }
}

/** The mapping type "Sync All Columns" uses for a column: its declared type, or the value's own when unknown. */
export function detectFieldType(columnType: ColumnType, value: unknown): FieldType {
  switch (columnType) {
    case "string":
    case "number":
    case "boolean":
    case "date":
      return columnType;
    case "json":
      return "string";
    case "unknown":
      if (typeof value === "number" || typeof value === "bigint") return "number";
      if (typeof value === "boolean") return "boolean";
      if (value instanceof Date) return "date";
      return "string";
  }
}

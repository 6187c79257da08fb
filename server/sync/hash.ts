/**
 * The payload hash stored per (sync, key) after the destination accepted a record. It must not change
 * when nothing the destination would see changed: key order, Date instances vs equal instants, -0 vs 0.
 */
import { createHash } from "node:crypto";
import type { OutRecord } from "~/server/connectors/types";

function canonicalize(value: unknown): unknown {
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  if (typeof value === "number") return Object.is(value, -0) ? 0 : value;
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonicalize(v)]));
  }
  return value;
}

/** Stable JSON text of any value: object keys sorted at every level, dates as ISO instants. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value)) ?? "null";
}

/** SHA-256 (hex) of what the destination receives for the record: identifier, fields and event. */
export function hashPayload(record: Pick<OutRecord, "identifier" | "fields" | "event">): string {
  return createHash("sha256")
    .update(canonicalJson({ identifier: record.identifier, fields: record.fields, event: record.event ?? null }))
    .digest("hex");
}

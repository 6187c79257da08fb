/** Turns engine records into Track API v2 batch operations (reference §2.2). */
import { hash } from "node:crypto";
import type { Behavior, FieldValue, JsonValue, OutRecord } from "../types";

export type BatchItem = {
  type: "person";
  identifiers: Record<string, string>;
  action: "identify" | "event";
  name?: string;
  id?: string;
  timestamp?: number;
  attributes: Record<string, JsonValue>;
};

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID_SHAPE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

/** Customer.io timestamps are integer Unix seconds; milliseconds or ISO strings break segment conditions. */
export function toEpochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function toApiValue(value: FieldValue): JsonValue {
  return value instanceof Date ? toEpochSeconds(value) : value;
}

/** Exactly one identifier; v2 takes cio_id without the `cio_` prefix that v1 paths use. */
export function buildIdentifiers(identifier: OutRecord["identifier"]): Record<string, string> {
  const value = identifier.type === "cio_id" ? identifier.value.replace(/^cio_/, "") : identifier.value;
  return { [identifier.type]: value };
}

/**
 * The event `id` Customer.io de-duplicates on must be a ULID. A row's own id is turned into one
 * deterministically (hash → 128 bits → Crockford base32), so a re-sent row is dropped as a duplicate
 * instead of creating a second event. The event name is part of the hash so two event types whose
 * rows share key values do not swallow each other's events.
 */
export function toEventUlid(eventName: string, eventId: string): string {
  if (ULID_SHAPE.test(eventId)) return eventId.toUpperCase();
  const digest = hash("sha256", `${eventName}\u0000${eventId}`, "buffer");
  // The first 128 bits as 26 base-32 digits, least significant first: digit i holds bits 5i..5i+4 of the
  // big-endian number, read straight from the bytes (BigInt arithmetic cost ~3 µs an event).
  const digits: string[] = new Array<string>(26);
  for (let i = 0; i < 26; i += 1) {
    const bit = i * 5;
    const low = 15 - (bit >> 3);
    const pair = (low > 0 ? digest[low - 1]! << 8 : 0) | digest[low]!;
    digits[25 - i] = CROCKFORD[(pair >> (bit & 7)) & 31]!;
  }
  return digits.join("");
}

export function buildBatchItem(objectId: string, behavior: Behavior, record: OutRecord): BatchItem {
  const attributes: BatchItem["attributes"] = {};
  for (const [name, value] of Object.entries(record.fields)) attributes[name] = toApiValue(value);
  const identifiers = buildIdentifiers(record.identifier);
  if (objectId === "event") {
    const name = (record.event?.name ?? "").trim();
    const timestamp = record.event?.timestamp;
    return {
      type: "person",
      identifiers,
      action: "event",
      name,
      id: toEventUlid(name, record.event?.id ?? record.key),
      ...(timestamp ? { timestamp: toEpochSeconds(timestamp) } : {}),
      attributes,
    };
  }
  // `_update: true` is the documented v2 way to update without ever creating a person.
  return { type: "person", identifiers, action: "identify", attributes: behavior === "update" ? { ...attributes, _update: true } : attributes };
}

/**
 * Each record's item text, kept from measuring it to sending it: the engine measures every record as
 * it fills a batch, and nothing changes a record after that. Building and serialising every item twice
 * (the event ULID above all) was most of a large Customer.io run's own CPU time.
 */
const measuredItems = new WeakMap<OutRecord, { objectId: string; behavior: Behavior; text: string }>();

function itemText(objectId: string, behavior: Behavior, record: OutRecord): string {
  const kept = measuredItems.get(record);
  // An event's item does not depend on the behaviour; a person's does (`_update`).
  if (kept && kept.objectId === objectId && (objectId === "event" || kept.behavior === behavior)) return kept.text;
  const text = JSON.stringify(buildBatchItem(objectId, behavior, record));
  measuredItems.set(record, { objectId, behavior, text });
  return text;
}

/** The batch body, `{"batch": [items]}`. */
export function serializeRecords(objectId: string, behavior: Behavior, records: OutRecord[]): string {
  return `{"batch":[${records.map((record) => itemText(objectId, behavior, record)).join(",")}]}`;
}

/** Bytes a record's item adds to a batch body, its separating comma included (see measureBatchItem). */
export function measureRecordItem(objectId: string, behavior: Behavior, record: OutRecord): number {
  return Buffer.byteLength(itemText(objectId, behavior, record)) + 1;
}

/** Bytes an item adds to the batch body: the item plus its separating comma. */
export function measureBatchItem(item: BatchItem): number {
  return Buffer.byteLength(JSON.stringify(item)) + 1;
}

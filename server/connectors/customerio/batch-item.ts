/** Turns engine records into Track API v2 batch operations (reference §2.2). */
import { createHash } from "node:crypto";
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
  const digest = createHash("sha256").update(`${eventName}\u0000${eventId}`).digest();
  let value = BigInt(`0x${digest.subarray(0, 16).toString("hex")}`);
  let ulid = "";
  for (let i = 0; i < 26; i += 1) {
    ulid = CROCKFORD[Number(value & 31n)]! + ulid;
    value >>= 5n;
  }
  return ulid;
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

export function serializeBatch(items: BatchItem[]): string {
  return JSON.stringify({ batch: items });
}

/** Bytes an item adds to the batch body: the item plus its separating comma. */
export function measureBatchItem(item: BatchItem): number {
  return Buffer.byteLength(JSON.stringify(item)) + 1;
}

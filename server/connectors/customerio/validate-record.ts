/** Documented Track API limits (reference §0, §3) checked before a record is sent. */
import type { Behavior, DestinationObject, FieldProblem, FieldValue, OutRecord } from "../types";
import { buildBatchItem, measureBatchItem } from "./batch-item";
import { ITEM_LIMIT_BYTES } from "./objects";

const LIMITS = {
  identifierBytes: 150,
  attributeNameBytes: 150,
  attributeValueBytes: 1000,
  attributesPerCall: 300,
  eventNameBytes: 100,
  eventDataBytes: 100_000,
};
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CIO_ID_SHAPE = /^[a-zA-Z0-9]+$/;
/** Identify keys that change how Customer.io applies the call; the connector sets them itself. */
const CONTROL_ATTRIBUTES = new Set(["_update", "_timestamp"]);
/** Unix seconds stay below this until the year 5138; larger values are almost surely milliseconds. */
const MAX_PLAUSIBLE_SECONDS = 1e11;

const bytes = (value: string) => Buffer.byteLength(value, "utf8");
const formatBytes = (n: number) => n.toLocaleString("en-US");

function encodedBytes(value: FieldValue): number {
  if (typeof value === "string") return bytes(value);
  return bytes(JSON.stringify(value instanceof Date ? 0 : value));
}

function validateIdentifier(identifier: OutRecord["identifier"], object: DestinationObject): FieldProblem[] {
  const { type, value } = identifier;
  const field = type;
  if (!object.identifiers.some((i) => i.id === type)) {
    return [{ field, reason: `"${type}" is not a Customer.io ${object.label.toLowerCase()} identifier (use id, email or cio_id)`, code: "invalid_identifier" }];
  }
  if (value.trim().length === 0) return [{ field, reason: `the ${type} is empty`, code: "invalid_identifier" }];
  if (bytes(value) > LIMITS.identifierBytes) {
    return [{ field, reason: `the ${type} is ${formatBytes(bytes(value))} bytes; Customer.io accepts at most ${LIMITS.identifierBytes}`, code: "identifier_too_long" }];
  }
  if (type === "email" && !EMAIL_SHAPE.test(value)) {
    return [{ field, reason: `"${value}" is not an email address, so it cannot identify a person by email`, code: "invalid_identifier" }];
  }
  if (type === "cio_id" && !CIO_ID_SHAPE.test(value.replace(/^cio_/, ""))) {
    return [{ field, reason: "a cio_id contains only letters and digits (optionally after a cio_ prefix)", code: "invalid_identifier" }];
  }
  return [];
}

function validateValue(name: string, value: FieldValue, checkValueSize: boolean): FieldProblem[] {
  if (value instanceof Date && Number.isNaN(value.getTime())) return [{ field: name, reason: "is not a valid date", code: "invalid_date" }];
  if (typeof value === "number" && !Number.isFinite(value)) return [{ field: name, reason: `${value} is not a finite number`, code: "invalid_number" }];
  if (checkValueSize && value !== null && encodedBytes(value) > LIMITS.attributeValueBytes) {
    return [
      {
        field: name,
        reason: `the value is ${formatBytes(encodedBytes(value))} bytes; Customer.io accepts at most ${formatBytes(LIMITS.attributeValueBytes)} bytes per attribute value`,
        code: "value_too_long",
      },
    ];
  }
  if (name === "created_at" && typeof value === "number" && Math.abs(value) >= MAX_PLAUSIBLE_SECONDS) {
    return [{ field: name, reason: `${value} looks like milliseconds; Customer.io timestamps are Unix seconds (map the column as a Date)`, code: "invalid_timestamp" }];
  }
  return [];
}

function validatePersonFields(fields: OutRecord["fields"]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const names = Object.keys(fields);
  if (names.length > LIMITS.attributesPerCall) {
    problems.push({ reason: `the record sets ${names.length} attributes; Customer.io accepts at most ${LIMITS.attributesPerCall} per call`, code: "too_many_attributes" });
  }
  for (const name of names) {
    if (name.length === 0) problems.push({ field: name, reason: "attribute names cannot be empty", code: "invalid_name" });
    else if (bytes(name) > LIMITS.attributeNameBytes) {
      problems.push({
        field: name,
        reason: `the attribute name is ${formatBytes(bytes(name))} bytes; Customer.io accepts at most ${LIMITS.attributeNameBytes}`,
        code: "name_too_long",
      });
    } else if (CONTROL_ATTRIBUTES.has(name)) {
      problems.push({ field: name, reason: `${name} is reserved: it changes how Customer.io applies the update`, code: "reserved_name" });
    }
    problems.push(...validateValue(name, fields[name] ?? null, true));
  }
  return problems;
}

function largestField(fields: OutRecord["fields"]): string | undefined {
  let largest: string | undefined;
  let largestBytes = -1;
  for (const [name, value] of Object.entries(fields)) {
    const size = bytes(name) + (value === null ? 4 : encodedBytes(value));
    if (size > largestBytes) [largest, largestBytes] = [name, size];
  }
  return largest;
}

function validateEventParts(record: OutRecord): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = record.event?.name.trim() ?? "";
  if (name.length === 0) problems.push({ field: "event.name", reason: "the event name is empty", code: "missing_event_name" });
  else if (bytes(name) > LIMITS.eventNameBytes) {
    problems.push({ field: "event.name", reason: `the event name is ${bytes(name)} bytes; Customer.io accepts at most ${LIMITS.eventNameBytes}`, code: "name_too_long" });
  }
  const timestamp = record.event?.timestamp;
  if (timestamp && Number.isNaN(timestamp.getTime())) problems.push({ field: "event.timestamp", reason: "is not a valid date", code: "invalid_date" });
  for (const [field, value] of Object.entries(record.fields)) problems.push(...validateValue(field, value, false));
  const dataBytes = bytes(JSON.stringify(record.fields));
  if (dataBytes > LIMITS.eventDataBytes) {
    problems.push({
      field: largestField(record.fields),
      reason: `the event data is ${formatBytes(dataBytes)} bytes; Customer.io accepts at most ${formatBytes(LIMITS.eventDataBytes)}`,
      code: "event_data_too_large",
    });
  }
  return problems;
}

export function validateCustomerioRecord(p: { object: DestinationObject; behavior: Behavior; record: OutRecord }): FieldProblem[] {
  const { object, behavior, record } = p;
  const problems = validateIdentifier(record.identifier, object);
  problems.push(...(object.id === "event" ? validateEventParts(record) : validatePersonFields(record.fields)));
  if (problems.length > 0) return problems;
  const itemBytes = measureBatchItem(buildBatchItem(object.id, behavior, record));
  if (itemBytes > ITEM_LIMIT_BYTES) {
    problems.push({
      field: largestField(record.fields),
      reason: `the record is ${formatBytes(itemBytes)} bytes once encoded; Customer.io accepts at most ${formatBytes(ITEM_LIMIT_BYTES)} bytes per batch item`,
      code: "record_too_large",
    });
  }
  return problems;
}

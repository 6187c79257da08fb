/**
 * Source row → OutRecord, following a sync's settings: the key and identifier, mapped fields (or every
 * column with "Sync All Columns"), constants, and for events the name, identity, id and timestamp.
 * A row that cannot be built comes back with problems instead: it is invalid and not sent.
 */
import type { DestinationObject, FieldProblem, FieldType, FieldValue, OutRecord, Row, SourceColumn } from "~/server/connectors/types";
import { convertValue, describeValue, detectFieldType } from "./convert";
import { resolveIdentifier, type SyncSettings } from "./definition";

export type BuiltRecord = { key: string; record: OutRecord; problems: [] } | { key: string; record?: undefined; problems: FieldProblem[] };

/** How errors, state and the destination refer to a key value: its text (dates as ISO instants). */
export function formatKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

type FieldPlan = { to: string; type: FieldType } & ({ column: string } | { constant: FieldValue });

export type RecordBuilder = {
  keyColumn: string;
  build(row: Row): BuiltRecord;
};

/**
 * Prepares the plan once per page: `columns` are the model's columns (read for "Sync All Columns",
 * so columns added to the model later are picked up by the next run).
 */
export function createRecordBuilder(p: { settings: SyncSettings; object: DestinationObject; columns: SourceColumn[] }): RecordBuilder {
  const { settings, object } = p;
  const keyColumn = settings.syncKey.column;
  const isEvent = object.type === "event";
  const event = settings.event ?? undefined;
  if (isEvent && !event) throw new Error("Event syncs need event settings (name and identity column)");

  const plan: (FieldPlan & { detect?: SourceColumn["type"] })[] = [];
  const explicitTargets = new Set(settings.mappings.map((m) => m.to));
  if (settings.syncAllColumns) {
    const consumed = new Set(
      isEvent
        ? [event?.identityColumn, event && "column" in event.name ? event.name.column : undefined, event?.timestampColumn]
        : [keyColumn],
    );
    for (const column of p.columns) {
      if (consumed.has(column.name) || explicitTargets.has(column.name)) continue;
      plan.push({ to: column.name, type: "string", column: column.name, detect: column.type });
    }
  }
  for (const mapping of settings.mappings) {
    if ("column" in mapping.from) {
      plan.push({ to: mapping.to, type: mapping.type, column: mapping.from.column });
    } else {
      const converted = convertValue(mapping.from.constant, mapping.type, `constant for field ${mapping.to}`);
      if (!converted.ok) throw new Error(converted.reason);
      plan.push({ to: mapping.to, type: mapping.type, constant: converted.value });
    }
  }

  const keyIdentifier = resolveIdentifier(object, settings.syncKey.identifier) ?? "id";
  const eventIdentifier = resolveIdentifier(object, event?.identifier) ?? "id";
  const eventIdColumn = object.supportsEventId ? (event?.idColumn ?? keyColumn) : undefined;

  return {
    keyColumn,
    build(row) {
      const key = formatKey(row[keyColumn]) ?? "";
      const problems: FieldProblem[] = [];
      if (key === "") problems.push({ field: keyColumn, reason: `sync key column ${keyColumn} is empty` });

      const fields: Record<string, FieldValue> = {};
      for (const item of plan) {
        if ("constant" in item) {
          fields[item.to] = item.constant;
          continue;
        }
        const raw = row[item.column];
        const type = item.detect ? detectFieldType(item.detect, raw) : item.type;
        const converted = convertValue(raw, type, `column ${item.column}`);
        if (converted.ok) fields[item.to] = converted.value;
        else problems.push({ field: item.to, reason: converted.reason });
      }

      let identifier: OutRecord["identifier"] = { type: keyIdentifier, value: key };
      let eventPart: OutRecord["event"];
      if (isEvent && event) {
        const identity = formatKey(row[event.identityColumn]);
        if (identity === null || identity === "") problems.push({ field: event.identityColumn, reason: `identity column ${event.identityColumn} is empty` });
        identifier = { type: eventIdentifier, value: identity ?? "" };

        const rawName = "constant" in event.name ? event.name.constant : row[event.name.column];
        const name = formatKey(rawName)?.trim() ?? "";
        if (name === "") {
          const origin = "column" in event.name ? `event name column ${event.name.column}` : "event name";
          problems.push({ field: "event.name", reason: `${origin} is empty` });
        }

        eventPart = { name };
        if (eventIdColumn) {
          const id = formatKey(row[eventIdColumn]);
          if (id === null || id === "") problems.push({ field: eventIdColumn, reason: `event id column ${eventIdColumn} is empty` });
          else eventPart.id = id;
        }
        if (event.timestampColumn) {
          const raw = row[event.timestampColumn];
          const converted = convertValue(raw, "date", `column ${event.timestampColumn}`);
          if (!converted.ok) problems.push({ field: event.timestampColumn, reason: converted.reason });
          else if (converted.value instanceof Date) eventPart.timestamp = converted.value;
          else if (converted.value !== null) {
            problems.push({ field: event.timestampColumn, reason: `value ${describeValue(raw)} in column ${event.timestampColumn} is not a date` });
          }
        }
      }

      if (problems.length > 0) return { key, problems };
      const record: OutRecord = { key, identifier, fields };
      if (eventPart) record.event = eventPart;
      return { key, record, problems: [] };
    },
  };
}

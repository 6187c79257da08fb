/**
 * Source row → OutRecord, following a sync's settings: the key and identifier, mapped fields (or every
 * column with "Sync All Columns") after their transforms, constants, and for events the name, identity,
 * id and timestamp; then the destination's own checks. This is the one path from a row to what is sent:
 * runs, verification and dry runs all build records here.
 *
 * A row that cannot be built comes back with problems instead: it is invalid and not sent. A problem
 * with a field whose mapping says "drop this field" removes only that field: the record is still sent,
 * and the problem comes back in `dropped` so the run can explain it.
 */
import type { DestinationConnector, DestinationObject, FieldProblem, FieldType, FieldValue, OutRecord, Row, SourceColumn } from "~/server/connectors/types";
import { convertValue, describeValue, detectFieldType } from "./convert";
import { resolveIdentifier, type InvalidValuePolicy, type SyncSettings } from "./definition";
import { applyTransforms, type ValueTransform } from "./value-transforms";

/** `dropped`: one entry per field left out of the record under its "drop this field" policy. */
export type BuiltRecord =
  | { key: string; record: OutRecord; problems: []; dropped: FieldProblem[] }
  | { key: string; record?: undefined; problems: FieldProblem[]; dropped: [] };

/** How errors, state and the destination refer to a key value: its text (dates as ISO instants). */
export function formatKey(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

type FieldPlan = { to: string; type: FieldType; onInvalid: InvalidValuePolicy } & ({ column: string; transforms: ValueTransform[] } | { constant: FieldValue });

export type RecordBuilder = {
  keyColumn: string;
  build(row: Row): BuiltRecord;
};

/** One problem per field: a destination may name the same field twice. */
function mergeByField(problems: FieldProblem[]): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  for (const problem of problems) {
    const field = problem.field ?? "";
    const seen = byField.get(field);
    byField.set(field, seen ? { ...seen, reason: `${seen.reason}; ${problem.reason}`, code: seen.code ?? problem.code } : problem);
  }
  return [...byField.values()];
}

/**
 * Prepares the plan once per step: `columns` are the model's columns (read for "Sync All Columns",
 * so columns added to the model later are picked up by the next run); `destination` checks each record
 * against its documented limits.
 */
export function createRecordBuilder(p: {
  settings: SyncSettings;
  object: DestinationObject;
  columns: SourceColumn[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any config type: only validateRecord is used
  destination: Pick<DestinationConnector<any>, "validateRecord">;
}): RecordBuilder {
  const { settings, object, destination } = p;
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
      plan.push({ to: column.name, type: "string", onInvalid: "skip_row", column: column.name, transforms: [], detect: column.type });
    }
  }
  for (const mapping of settings.mappings) {
    if ("column" in mapping.from) {
      plan.push({ to: mapping.to, type: mapping.type, onInvalid: mapping.onInvalid ?? "skip_row", column: mapping.from.column, transforms: mapping.transforms ?? [] });
    } else {
      const converted = convertValue(mapping.from.constant, mapping.type, `constant for field ${mapping.to}`);
      if (!converted.ok) throw new Error(converted.reason);
      plan.push({ to: mapping.to, type: mapping.type, onInvalid: mapping.onInvalid ?? "skip_row", constant: converted.value });
    }
  }
  const droppable = new Set(plan.filter((item) => item.onInvalid === "drop_field").map((item) => item.to));

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
      let dropped: FieldProblem[] = [];
      for (const item of plan) {
        if ("constant" in item) {
          fields[item.to] = item.constant;
          continue;
        }
        const raw = row[item.column];
        const origin = `column ${item.column}`;
        const transformed = applyTransforms(raw, item.transforms, origin);
        const type = item.detect ? detectFieldType(item.detect, transformed.ok ? transformed.value : raw) : item.type;
        const converted = transformed.ok ? convertValue(transformed.value, type, origin) : transformed;
        if (converted.ok) fields[item.to] = converted.value;
        else (item.onInvalid === "drop_field" ? dropped : problems).push({ field: item.to, reason: converted.reason });
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

      const record: OutRecord = { key, identifier, fields };
      if (eventPart) record.event = eventPart;
      if (problems.length === 0) {
        // Dropping a field can change a record-wide check (size, property count): check again until stable.
        for (let pass = 0; pass <= plan.length; pass += 1) {
          const found = destination.validateRecord({ object, behavior: settings.behavior, record });
          const drop = found.filter((f) => f.field !== undefined && droppable.has(f.field) && f.field in fields);
          if (drop.length === 0) {
            problems.push(...found);
            break;
          }
          for (const problem of drop) delete fields[problem.field!];
          dropped.push(...drop);
        }
        dropped = mergeByField(dropped);
      }
      // A row that is not sent reports every bad value, dropped or not: none of it reached the destination.
      if (problems.length > 0) return { key, problems: [...problems, ...dropped], dropped: [] };
      return { key, record, problems: [], dropped };
    },
  };
}

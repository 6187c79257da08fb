/**
 * A sync definition: its public shape (field names are part of the REST API) and the semantic checks
 * that need the destination's objects and the model's columns. Services validate on save; the engine
 * re-validates at the start of each run because models and destinations change under a saved sync.
 */
import { z } from "zod";
import type { ColumnType, DestinationConnector, DestinationObject, FieldType, SourceColumn } from "~/server/connectors/types";
import { convertValue } from "./convert";
import { parseCron } from "./schedule";
import { isPhoneCountry } from "./value-transforms";

export const ZModelQuery = z.discriminatedUnion("type", [
  z.object({ type: z.literal("table"), schema: z.string().trim().min(1), table: z.string().trim().min(1) }),
  z.object({ type: z.literal("sql"), sql: z.string().trim().min(1) }),
]);

export const ZBehavior = z.enum(["upsert", "update", "append"]);
export const ZFieldType = z.enum(["string", "number", "date", "boolean", "json"]).meta({
  description: "`json` sends objects and arrays as they are, where the destination object accepts them (Customer.io); CleverTap refuses it.",
});

export const ZSyncKey = z.object({
  column: z.string().trim().min(1),
  /** Destination identifier the key maps to; the object's first identifier when omitted. */
  identifier: z.string().trim().min(1).optional(),
});

export const ZMappingSource = z.union([
  z.object({ column: z.string().trim().min(1) }).strict(),
  z.object({ constant: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
]);

export const ZInvalidValuePolicy = z.enum(["skip_row", "drop_field"]).meta({
  description:
    "What happens to a row when this field's value cannot be converted or breaks a destination rule: `skip_row` (the default when absent) does not send the row (it counts as invalid); `drop_field` sends the row without this field and lists the value among the run's record errors as `dropped_field`.",
});

export const ZTransform = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("trim") }).strict(),
    z.object({ type: z.literal("lowercase") }).strict(),
    z
      .object({
        type: z.literal("phone_e164"),
        defaultCountry: z
          .string()
          .trim()
          .toUpperCase()
          .refine(isPhoneCountry, { message: "Use a two-letter country code such as GB, US or DE" })
          .optional()
          .meta({ description: "ISO 3166-1 alpha-2 country for numbers written without a country code (020 7946 0007 with GB)." }),
      })
      .strict(),
  ])
  .meta({ id: "MappingTransform", description: "Applied in order to the column's value before it is converted and checked. `phone_e164` writes phone numbers as +<country code><number>." });

export const ZMapping = z.object({
  from: ZMappingSource,
  to: z.string().trim().min(1),
  type: ZFieldType,
  // Optional, not defaulted, so definitions stored before these existed and callers that omit them stay valid
  // as they are; toSyncView answers them filled in.
  onInvalid: ZInvalidValuePolicy.optional(),
  transforms: z.array(ZTransform).max(10).optional(),
});

export const ZEventSettings = z.object({
  name: z.union([z.object({ constant: z.string().trim().min(1) }).strict(), z.object({ column: z.string().trim().min(1) }).strict()]),
  identityColumn: z.string().trim().min(1),
  identifier: z.string().trim().min(1).optional(),
  idColumn: z.string().trim().min(1).optional(),
  timestampColumn: z.string().trim().min(1).optional(),
});

export const ZSchedule = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("manual") }),
    z.object({ type: z.literal("interval"), minutes: z.number().int().min(1).max(60 * 24 * 31) }),
    z.object({ type: z.literal("cron"), expression: z.string().trim().min(1), timezone: z.string().trim().min(1).default("UTC") }),
  ])
  .superRefine((schedule, ctx) => {
    if (schedule.type !== "cron") return;
    try {
      parseCron(schedule.expression, schedule.timezone);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.addIssue({ code: "custom", path: [/time zone/.test(message) ? "timezone" : "expression"], message });
    }
  });

export const ZInitialSync = z.enum(["all", "skip"]);

export const DEFAULT_LOOKBACK_MINUTES = 15;
export const DEFAULT_FULL_COMPARE_HOURS = 24;

/**
 * Incremental reads: a run reads only rows whose `column` is past the last committed watermark minus
 * `lookbackMinutes` (date columns; late writes inside it are still caught), and every `fullCompareHours`
 * a run reads the whole model to catch what the watermark misses (rows written with an old value).
 */
export const ZChangeTracking = z.object({
  column: z.string().trim().min(1).meta({ description: "A date/timestamp column set on every write (updated_at), or an increasing number (an event id)." }),
  lookbackMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(DEFAULT_LOOKBACK_MINUTES)
    .meta({ description: "Date columns: also re-read rows this many minutes before the watermark, for late writes. Ignored for numeric columns." }),
  fullCompareHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .default(DEFAULT_FULL_COMPARE_HOURS)
    .meta({ description: "A run this long after the last full compare reads every row." }),
});

const settingsFields = {
  model: ZModelQuery,
  /** Destination object id: profile | event (CleverTap), person | event (Customer.io). */
  object: z.string().trim().min(1),
  behavior: ZBehavior,
  syncKey: ZSyncKey,
  mappings: z.array(ZMapping),
  syncAllColumns: z.boolean(),
  event: ZEventSettings.nullish(),
  initialSync: ZInitialSync,
  schedule: ZSchedule,
  /** Null or absent: every run reads the whole model. Event syncs on a numeric or date key get it by default (see defaultChangeTracking). */
  changeTracking: ZChangeTracking.nullish(),
};

const identityFields = {
  name: z.string().trim().min(1).max(200),
  sourceId: z.string().trim().min(1),
  destinationId: z.string().trim().min(1),
  enabled: z.boolean(),
};

/** The settings that drive the engine (everything a Sync row stores besides ids and bookkeeping). */
export const ZSyncSettings = z.object({
  ...settingsFields,
  mappings: settingsFields.mappings.default([]),
  syncAllColumns: settingsFields.syncAllColumns.default(false),
  initialSync: settingsFields.initialSync.default("all"),
  schedule: settingsFields.schedule.default({ type: "manual" }),
});

/** The body of `POST /api/v1/syncs` and of the create form. */
export const ZSyncDefinition = ZSyncSettings.extend({ ...identityFields, enabled: identityFields.enabled.default(true) });

/** The body of `PATCH /api/v1/syncs/{id}`: no defaults, so absent fields stay as they are. */
export const ZSyncDefinitionPatch = z.object({ ...settingsFields, ...identityFields }).partial();

export type ModelQueryInput = z.infer<typeof ZModelQuery>;
export type Mapping = z.infer<typeof ZMapping>;
export type MappingTransform = z.infer<typeof ZTransform>;
export type InvalidValuePolicy = z.infer<typeof ZInvalidValuePolicy>;
export type MappingSource = z.infer<typeof ZMappingSource>;
export type EventSettings = z.infer<typeof ZEventSettings>;
export type Schedule = z.infer<typeof ZSchedule>;
export type ChangeTracking = z.infer<typeof ZChangeTracking>;
export type SyncSettings = z.infer<typeof ZSyncSettings>;
export type SyncDefinition = z.infer<typeof ZSyncDefinition>;
export type SyncDefinitionPatch = z.infer<typeof ZSyncDefinitionPatch>;
export type DefinitionError = { field: string; message: string };

/** The stored columns of a Sync row, as the engine reads them back. */
export function parseStoredSettings(row: {
  model: unknown;
  object: string;
  behavior: string;
  syncKey: unknown;
  mappings: unknown;
  syncAllColumns: boolean;
  event: unknown;
  initialSync: string;
  schedule: unknown;
  changeTracking: unknown;
}): SyncSettings {
  const parsed = ZSyncSettings.safeParse(row);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "definition"}: ${i.message}`).join("; ");
    throw new Error(`The saved sync definition is invalid (${detail}); edit and save the sync again.`);
  }
  return parsed.data;
}

/** Which mapping types a column of each logical type can convert to (values are still checked per row). */
const CONVERTIBLE: Record<ColumnType, readonly FieldType[]> = {
  string: ["string", "number", "date", "boolean", "json"],
  number: ["string", "number", "date", "boolean"],
  boolean: ["string", "boolean", "number"],
  date: ["string", "date", "number"],
  json: ["string", "json"],
  unknown: ["string", "number", "date", "boolean", "json"],
};

export function isConvertible(columnType: ColumnType, fieldType: FieldType): boolean {
  return CONVERTIBLE[columnType].includes(fieldType);
}

/**
 * The type a new mapping of a column starts with: its own logical type, JSON only where the destination
 * object takes objects, text otherwise. The user can still choose another convertible type.
 */
export function defaultFieldType(columnType: ColumnType, object: Pick<DestinationObject, "objectValues">): FieldType {
  switch (columnType) {
    case "number":
    case "boolean":
    case "date":
      return columnType;
    case "json":
      return object.objectValues.accepted ? "json" : "string";
    case "string":
    case "unknown":
      return "string";
  }
}

/** Identifier the sync key (or, for events, the identity column) maps to. */
export function resolveIdentifier(object: DestinationObject, requested: string | undefined): string | undefined {
  return requested ?? object.identifiers[0]?.id;
}

/**
 * Per-field problems of a definition against a destination and the model's columns. An empty list means
 * the sync can be saved and run. Field paths follow the public field names (`mappings.2.from.column`).
 */
export function validateSyncDefinition(p: {
  definition: SyncSettings;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any config type: only the objects are read
  destination: DestinationConnector<any>;
  sourceColumns: SourceColumn[];
}): DefinitionError[] {
  const { definition, destination, sourceColumns } = p;
  const errors: DefinitionError[] = [];
  const columns = new Map(sourceColumns.map((c) => [c.name, c]));
  const columnList = sourceColumns.map((c) => c.name).join(", ") || "none";
  const requireColumn = (field: string, column: string, role: string): SourceColumn | undefined => {
    const found = columns.get(column);
    if (!found) errors.push({ field, message: `${role} "${column}" is not a column of the model (columns: ${columnList})` });
    return found;
  };

  const object = destination.objects.find((o) => o.id === definition.object);
  if (!object) {
    const ids = destination.objects.map((o) => o.id).join(", ");
    errors.push({ field: "object", message: `${destination.label} has no object "${definition.object}" (choose one of: ${ids})` });
  } else if (!object.behaviors.some((b) => b.id === definition.behavior)) {
    const ids = object.behaviors.map((b) => b.id).join(", ");
    const why = object.type === "event" ? "events are sent once per new key and never updated" : `${object.label} supports: ${ids}`;
    errors.push({ field: "behavior", message: `Behavior "${definition.behavior}" is not available for ${destination.label} ${object.label}: ${why}` });
  }

  requireColumn("syncKey.column", definition.syncKey.column, "Sync key column");
  const checkIdentifier = (field: string, identifier: string | undefined) => {
    if (!object || identifier === undefined) return;
    if (!object.identifiers.some((i) => i.id === identifier)) {
      const ids = object.identifiers.map((i) => i.id).join(", ");
      errors.push({ field, message: `"${identifier}" is not an identifier of ${destination.label} ${object.label} (choose one of: ${ids})` });
    }
  };

  if (object?.type === "event") {
    const event = definition.event;
    if (!event) {
      errors.push({ field: "event", message: "Event syncs need an event name and the column holding the user identity" });
    } else {
      if ("column" in event.name) requireColumn("event.name.column", event.name.column, "Event name column");
      requireColumn("event.identityColumn", event.identityColumn, "Identity column");
      checkIdentifier("event.identifier", event.identifier);
      if (event.idColumn) requireColumn("event.idColumn", event.idColumn, "Event id column");
      if (event.timestampColumn) {
        const ts = requireColumn("event.timestampColumn", event.timestampColumn, "Timestamp column");
        if (ts && !isConvertible(ts.type, "date")) {
          errors.push({ field: "event.timestampColumn", message: `Column "${ts.name}" (${ts.nativeType}) cannot be read as a date` });
        }
      }
    }
  } else if (object) {
    checkIdentifier("syncKey.identifier", definition.syncKey.identifier);
    if (definition.event) errors.push({ field: "event", message: `Event settings only apply to event objects, not to ${object.label}` });
    if (!definition.syncAllColumns && definition.mappings.length === 0) {
      errors.push({ field: "mappings", message: "Map at least one field, or choose Sync All Columns" });
    }
  }

  if (definition.changeTracking) {
    const tracked = requireColumn("changeTracking.column", definition.changeTracking.column, "Change-tracking column");
    if (tracked && tracked.type !== "date" && tracked.type !== "number") {
      errors.push({
        field: "changeTracking.column",
        message: `Column "${tracked.name}" (${tracked.nativeType}) cannot track changes: choose a date/timestamp column set on every write, or an increasing number`,
      });
    }
  }

  const targets = new Map<string, number>();
  definition.mappings.forEach((mapping, i) => {
    const previous = targets.get(mapping.to);
    if (previous !== undefined) {
      errors.push({ field: `mappings.${i}.to`, message: `Field "${mapping.to}" is already mapped by mapping ${previous + 1}` });
    } else {
      targets.set(mapping.to, i);
    }
    if ("column" in mapping.from) {
      const column = requireColumn(`mappings.${i}.from.column`, mapping.from.column, "Column");
      if (column && !isConvertible(column.type, mapping.type)) {
        errors.push({
          field: `mappings.${i}.type`,
          message: `Column "${column.name}" (${column.nativeType}) cannot be converted to ${mapping.type}; choose ${CONVERTIBLE[column.type].join(" or ")}`,
        });
      }
    } else {
      const converted = convertValue(mapping.from.constant, mapping.type, `constant for field ${mapping.to}`);
      if (!converted.ok) errors.push({ field: `mappings.${i}.from.constant`, message: converted.reason });
    }
    const standard = object?.standardFields.find((f) => f.name === mapping.to);
    if (standard && standard.type !== mapping.type) {
      errors.push({ field: `mappings.${i}.type`, message: `${standard.label} (${standard.name}) expects a ${standard.type}, not a ${mapping.type}` });
    } else if (object && mapping.type === "json" && !object.objectValues.accepted) {
      errors.push({ field: `mappings.${i}.type`, message: object.objectValues.note });
    }
    errors.push(...checkTransforms(mapping, i));
  });

  return errors;
}

/**
 * An event is sent once per key, so an event sync whose key is a number or a date (an increasing id or
 * time) reads only the rows after the last one it read, unless the definition says otherwise.
 */
export function defaultChangeTracking(p: { definition: SyncSettings; object: DestinationObject | undefined; sourceColumns: SourceColumn[] }): ChangeTracking | null {
  if (p.object?.type !== "event") return null;
  const key = p.sourceColumns.find((c) => c.name === p.definition.syncKey.column);
  if (key?.type !== "number" && key?.type !== "date") return null;
  return { column: key.name, lookbackMinutes: key.type === "date" ? DEFAULT_LOOKBACK_MINUTES : 0, fullCompareHours: DEFAULT_FULL_COMPARE_HOURS };
}

function checkTransforms(mapping: Mapping, i: number): DefinitionError[] {
  const field = `mappings.${i}.transforms`;
  const transforms = mapping.transforms ?? [];
  if (transforms.length === 0) return [];
  if ("constant" in mapping.from) return [{ field, message: "Transforms apply to column values; type the constant as it should be sent" }];
  const errors: DefinitionError[] = [];
  const seen = new Set<string>();
  for (const transform of transforms) {
    if (seen.has(transform.type)) errors.push({ field, message: `The ${transform.type} transform is listed twice` });
    seen.add(transform.type);
    if (transform.type === "phone_e164" && mapping.type !== "string") {
      errors.push({ field, message: `Normalising to E.164 gives text (+442079460007): set the type of ${mapping.to} to String` });
    }
  }
  return errors;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, "");
}

/**
 * Mappings for the standard fields whose name or aliases match a column (username → Name, email →
 * Email …). Each field and each column is used at most once; the first matching column wins.
 */
export function autoMatchMappings(p: { columns: SourceColumn[]; object: DestinationObject; exclude?: string[] }): Mapping[] {
  const used = new Set(p.exclude ?? []);
  const mappings: Mapping[] = [];
  for (const field of p.object.standardFields) {
    const names = new Set([normalizeName(field.name), ...field.aliases.map(normalizeName)]);
    const column = p.columns.find((c) => !used.has(c.name) && names.has(normalizeName(c.name)));
    if (!column) continue;
    used.add(column.name);
    const type = isConvertible(column.type, field.type) ? field.type : "string";
    mappings.push({ from: { column: column.name }, to: field.name, type });
  }
  return mappings;
}

/**
 * The sync form's values and their translation to and from the public sync definition
 * (`server/sync/definition.ts`). The form keeps every input as text so half-typed values survive;
 * the definition is built only on submit and the server validates it.
 */
import type { FieldType, InvalidValuePolicy, SyncView } from "./sync-types";

export type MappingRow = {
  sourceKind: "column" | "constant";
  column: string;
  constant: string;
  to: string;
  type: FieldType;
  onInvalid: InvalidValuePolicy;
  trim: boolean;
  lowercase: boolean;
  e164: boolean;
  /** Two-letter country for the E.164 transform; empty: only numbers written with +country code. */
  defaultCountry: string;
  /** Filled in by auto-matching (shown as such until the user edits the row). */
  matched?: boolean;
};

type SavedMapping = SyncView["mappings"][number];
type MappingTransform = NonNullable<SavedMapping["transforms"]>[number];

/** The row's settings as the definition's `transforms`, in the order the editor shows them. */
export function buildTransforms(row: Pick<MappingRow, "sourceKind" | "trim" | "lowercase" | "e164" | "defaultCountry">): MappingTransform[] {
  if (row.sourceKind !== "column") return [];
  const transforms: MappingTransform[] = [];
  if (row.trim) transforms.push({ type: "trim" });
  if (row.lowercase) transforms.push({ type: "lowercase" });
  if (row.e164) transforms.push({ type: "phone_e164", ...(row.defaultCountry ? { defaultCountry: row.defaultCountry } : {}) });
  return transforms;
}

/** A saved mapping's settings as the editor's fields. */
function readMappingSettings(m: SavedMapping): Pick<MappingRow, "onInvalid" | "trim" | "lowercase" | "e164" | "defaultCountry"> {
  const transforms = m.transforms ?? [];
  const phone = transforms.find((t) => t.type === "phone_e164");
  return {
    onInvalid: m.onInvalid ?? "skip_row",
    trim: transforms.some((t) => t.type === "trim"),
    lowercase: transforms.some((t) => t.type === "lowercase"),
    e164: Boolean(phone),
    defaultCountry: phone?.type === "phone_e164" ? (phone.defaultCountry ?? "") : "",
  };
}

export type ScheduleKind = "manual" | "minutes" | "hours" | "daily" | "cron";

export type ScheduleFormValues = {
  kind: ScheduleKind;
  every: string;
  /** HH:MM, for "daily". */
  time: string;
  expression: string;
  timezone: string;
};

export type SyncFormValues = {
  name: string;
  sourceId: string;
  modelType: "table" | "sql";
  /** "schema.table" as one select value; the schema never holds a dot we would split wrongly (see splitTableRef). */
  tableRef: string;
  sql: string;
  destinationId: string;
  object: string;
  behavior: string;
  syncKeyColumn: string;
  syncKeyIdentifier: string;
  mappingMode: "specific" | "all";
  mappings: MappingRow[];
  eventNameKind: "constant" | "column";
  eventNameConstant: string;
  eventNameColumn: string;
  identityColumn: string;
  eventIdentifier: string;
  idColumn: string;
  timestampColumn: string;
  initialSync: "all" | "skip";
  /** Empty: every run reads every row. */
  changeTrackingColumn: string;
  changeLookbackMinutes: string;
  fullCompareHours: string;
  /** A new sync whose user has not chosen yet: event syncs on a numeric or date key default to it. */
  changeTrackingAuto: boolean;
  schedule: ScheduleFormValues;
  enabled: boolean;
};

/** Defaults of `server/sync/definition.ts` (ZChangeTracking), repeated because components may only import types from server. */
export const DEFAULT_LOOKBACK_MINUTES = "15";
export const DEFAULT_FULL_COMPARE_HOURS = "24";

export type ScheduleDefinition = { type: "manual" } | { type: "interval"; minutes: number } | { type: "cron"; expression: string; timezone: string };

export function detectTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function createEmptyMapping(): MappingRow {
  return { sourceKind: "column", column: "", constant: "", to: "", type: "string", onInvalid: "skip_row", trim: false, lowercase: false, e164: false, defaultCountry: "" };
}

export function createDefaultValues(timezone = "UTC"): SyncFormValues {
  return {
    name: "",
    sourceId: "",
    modelType: "table",
    tableRef: "",
    sql: "",
    destinationId: "",
    object: "",
    behavior: "",
    syncKeyColumn: "",
    syncKeyIdentifier: "",
    mappingMode: "specific",
    mappings: [],
    eventNameKind: "constant",
    eventNameConstant: "",
    eventNameColumn: "",
    identityColumn: "",
    eventIdentifier: "",
    idColumn: "",
    timestampColumn: "",
    initialSync: "all",
    changeTrackingColumn: "",
    changeLookbackMinutes: DEFAULT_LOOKBACK_MINUTES,
    fullCompareHours: DEFAULT_FULL_COMPARE_HOURS,
    changeTrackingAuto: true,
    schedule: { kind: "manual", every: "15", time: "06:00", expression: "0 * * * *", timezone },
    enabled: true,
  };
}

export function joinTableRef(schema: string, table: string): string {
  return JSON.stringify([schema, table]);
}

/** The select value of a table is JSON, so schema and table names may contain any character. */
export function splitTableRef(ref: string): { schema: string; table: string } | null {
  try {
    const parsed: unknown = JSON.parse(ref);
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") return { schema: parsed[0], table: parsed[1] };
  } catch {
    // An empty or foreign value means no table is chosen yet.
  }
  return null;
}

export type ModelDefinition = { type: "table"; schema: string; table: string } | { type: "sql"; sql: string };

/** The model the form describes, or null while it is incomplete (nothing to preview yet). */
export function buildModel(values: Pick<SyncFormValues, "modelType" | "tableRef" | "sql">): ModelDefinition | null {
  if (values.modelType === "sql") return values.sql.trim() ? { type: "sql", sql: values.sql.trim() } : null;
  const ref = splitTableRef(values.tableRef);
  return ref ? { type: "table", ...ref } : null;
}

const DAILY = /^(\d{1,2}) (\d{1,2}) \* \* \*$/;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The schedule the editor describes; numbers that are not numbers go to the server as-is so it names the problem. */
export function buildSchedule(s: ScheduleFormValues): ScheduleDefinition {
  const every = Number(s.every);
  switch (s.kind) {
    case "manual":
      return { type: "manual" };
    case "minutes":
      return { type: "interval", minutes: every };
    case "hours":
      return { type: "interval", minutes: every * 60 };
    case "daily": {
      const [hour = "", minute = ""] = s.time.split(":");
      return { type: "cron", expression: `${Number(minute)} ${Number(hour)} * * *`, timezone: s.timezone.trim() || "UTC" };
    }
    case "cron":
      return { type: "cron", expression: s.expression.trim(), timezone: s.timezone.trim() || "UTC" };
  }
}

export function readSchedule(schedule: ScheduleDefinition, fallbackTimezone: string): ScheduleFormValues {
  const base = createDefaultValues(fallbackTimezone).schedule;
  switch (schedule.type) {
    case "manual":
      return base;
    case "interval":
      return schedule.minutes % 60 === 0 ? { ...base, kind: "hours", every: String(schedule.minutes / 60) } : { ...base, kind: "minutes", every: String(schedule.minutes) };
    case "cron": {
      const daily = DAILY.exec(schedule.expression.trim());
      if (daily && Number(daily[2]) < 24 && Number(daily[1]) < 60) {
        return { ...base, kind: "daily", time: `${pad(Number(daily[2]))}:${pad(Number(daily[1]))}`, timezone: schedule.timezone };
      }
      return { ...base, kind: "cron", expression: schedule.expression, timezone: schedule.timezone };
    }
  }
}

/** A typed constant: "42" stays a string for a String field but becomes 42 for a Number field. */
function readConstant(text: string, type: FieldType): string | number | boolean {
  if (type === "number" && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (type === "boolean" && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === "true";
  return text;
}

export type DefinitionContext = { isEvent: boolean; supportsEventId: boolean };

/** The body of `sync.create` / `sync.update` (public field names). */
export function buildDefinition(values: SyncFormValues, context: DefinitionContext) {
  const model = buildModel(values) ?? (values.modelType === "sql" ? { type: "sql" as const, sql: "" } : { type: "table" as const, schema: "", table: "" });
  const mappings = values.mappings
    .filter((m) => m.to.trim() !== "" || (m.sourceKind === "column" ? m.column !== "" : m.constant !== ""))
    .map((m) => ({
      from: m.sourceKind === "column" ? { column: m.column } : { constant: readConstant(m.constant, m.type) },
      to: m.to.trim(),
      type: m.type,
      onInvalid: m.onInvalid,
      transforms: buildTransforms(m),
    }));
  const event = context.isEvent
    ? {
        name: values.eventNameKind === "column" ? { column: values.eventNameColumn } : { constant: values.eventNameConstant.trim() },
        identityColumn: values.identityColumn,
        ...(values.eventIdentifier ? { identifier: values.eventIdentifier } : {}),
        ...(context.supportsEventId && values.idColumn ? { idColumn: values.idColumn } : {}),
        ...(values.timestampColumn ? { timestampColumn: values.timestampColumn } : {}),
      }
    : null;
  return {
    name: values.name.trim(),
    sourceId: values.sourceId,
    destinationId: values.destinationId,
    model,
    object: values.object,
    behavior: values.behavior,
    syncKey: { column: values.syncKeyColumn, ...(!context.isEvent && values.syncKeyIdentifier ? { identifier: values.syncKeyIdentifier } : {}) },
    mappings,
    syncAllColumns: values.mappingMode === "all",
    event,
    initialSync: values.initialSync,
    changeTracking: values.changeTrackingColumn
      ? { column: values.changeTrackingColumn, lookbackMinutes: readWholeNumber(values.changeLookbackMinutes), fullCompareHours: readWholeNumber(values.fullCompareHours) }
      : null,
    schedule: buildSchedule(values.schedule),
    enabled: values.enabled,
  };
}

/** Empty or non-numeric text becomes NaN, which the server refuses with the field's name. */
function readWholeNumber(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

export type SyncDefinitionBody = ReturnType<typeof buildDefinition>;

/** The form prefilled from a saved sync, for Edit. */
export function readSyncView(sync: SyncView, fallbackTimezone: string): SyncFormValues {
  const base = createDefaultValues(fallbackTimezone);
  const event = sync.event ?? null;
  return {
    ...base,
    name: sync.name,
    sourceId: sync.sourceId,
    modelType: sync.model.type,
    tableRef: sync.model.type === "table" ? joinTableRef(sync.model.schema, sync.model.table) : "",
    sql: sync.model.type === "sql" ? sync.model.sql : "",
    destinationId: sync.destinationId,
    object: sync.object,
    behavior: sync.behavior,
    syncKeyColumn: sync.syncKey.column,
    syncKeyIdentifier: sync.syncKey.identifier ?? "",
    mappingMode: sync.syncAllColumns ? "all" : "specific",
    mappings: sync.mappings.map((m) =>
      "column" in m.from
        ? { sourceKind: "column", column: m.from.column, constant: "", to: m.to, type: m.type, ...readMappingSettings(m) }
        : { sourceKind: "constant", column: "", constant: String(m.from.constant), to: m.to, type: m.type, ...readMappingSettings(m) },
    ),
    eventNameKind: event && "column" in event.name ? "column" : "constant",
    eventNameConstant: event && "constant" in event.name ? event.name.constant : "",
    eventNameColumn: event && "column" in event.name ? event.name.column : "",
    identityColumn: event?.identityColumn ?? "",
    eventIdentifier: event?.identifier ?? "",
    idColumn: event?.idColumn ?? "",
    timestampColumn: event?.timestampColumn ?? "",
    initialSync: sync.initialSync,
    changeTrackingColumn: sync.changeTracking?.column ?? "",
    changeLookbackMinutes: String(sync.changeTracking?.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES),
    fullCompareHours: String(sync.changeTracking?.fullCompareHours ?? DEFAULT_FULL_COMPARE_HOURS),
    changeTrackingAuto: false,
    schedule: readSchedule(sync.schedule, fallbackTimezone),
    enabled: sync.enabled,
  };
}

/** Only what changed, so `sync.update` leaves the rest (and its validation) alone. */
export function diffDefinition(before: SyncDefinitionBody, after: SyncDefinitionBody): Partial<SyncDefinitionBody> {
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof SyncDefinitionBody)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = after[key];
  }
  return changes as Partial<SyncDefinitionBody>;
}

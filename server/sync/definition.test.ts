import { describe, expect, it } from "vitest";
import type { SourceColumn } from "~/server/connectors/types";
import { getDestinationConnector } from "~/server/connectors/registry";
import { autoMatchMappings, defaultFieldType, parseStoredSettings, validateSyncDefinition, ZSchedule, ZSyncDefinition, ZSyncDefinitionPatch, type SyncSettings } from "./definition";
import { createFakeDestination } from "./testing/fake-connectors";

const destination = createFakeDestination();
const profile = destination.objects.find((o) => o.id === "profile")!;
const columns: SourceColumn[] = [
  { name: "user_id", type: "string", nativeType: "text" },
  { name: "email", type: "string", nativeType: "text" },
  { name: "Full_Name", type: "string", nativeType: "text" },
  { name: "mobile", type: "string", nativeType: "text" },
  { name: "meta", type: "json", nativeType: "jsonb" },
  { name: "purchase_id", type: "number", nativeType: "int8" },
  { name: "purchased_at", type: "date", nativeType: "timestamptz" },
  { name: "active", type: "boolean", nativeType: "bool" },
];

function profileSync(overrides: Partial<SyncSettings> = {}) {
  return ZSyncDefinition.parse({
    name: "Users to CleverTap",
    sourceId: "conn_a",
    destinationId: "conn_b",
    model: { type: "table", schema: "public", table: "users" },
    object: "profile",
    behavior: "upsert",
    syncKey: { column: "user_id", identifier: "identity" },
    mappings: [
      { from: { column: "email" }, to: "Email", type: "string" },
      { from: { constant: "warehouse" }, to: "Source", type: "string" },
    ],
    initialSync: "all",
    schedule: { type: "manual" },
    ...overrides,
  });
}

describe("ZSyncDefinition", () => {
  it("parses the public examples and fills defaults", () => {
    const parsed = profileSync();
    expect(parsed.syncAllColumns).toBe(false);
    expect(parsed.enabled).toBe(true);
    const event = ZSyncDefinition.parse({
      name: "Purchases",
      sourceId: "a",
      destinationId: "b",
      model: { type: "sql", sql: "select * from purchases" },
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity", idColumn: "purchase_id", timestampColumn: "purchased_at" },
      schedule: { type: "cron", expression: "0 * * * *", timezone: "UTC" },
    });
    expect(event.mappings).toEqual([]);
    expect(event.initialSync).toBe("all");
  });

  it("rejects bad schedules with field paths", () => {
    expect(ZSchedule.safeParse({ type: "interval", minutes: 15 }).success).toBe(true);
    const badCron = ZSchedule.safeParse({ type: "cron", expression: "every hour", timezone: "UTC" });
    expect(badCron.error?.issues[0]).toMatchObject({ path: ["expression"] });
    const badZone = ZSchedule.safeParse({ type: "cron", expression: "0 * * * *", timezone: "Mars/Olympus" });
    expect(badZone.error?.issues[0]).toMatchObject({ path: ["timezone"] });
    expect(ZSchedule.safeParse({ type: "interval", minutes: 0 }).success).toBe(false);
  });
});

describe("validateSyncDefinition", () => {
  it("accepts a valid profile sync", () => {
    expect(validateSyncDefinition({ definition: profileSync(), destination, sourceColumns: columns })).toEqual([]);
  });

  it("names each bad field", () => {
    const definition = profileSync({
      object: "profile",
      behavior: "append",
      syncKey: { column: "id", identifier: "phone" },
      mappings: [
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "missing" }, to: "X", type: "string" },
        { from: { column: "meta" }, to: "Meta", type: "number" },
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { constant: "abc" }, to: "Score", type: "number" },
        { from: { column: "active" }, to: "Name", type: "boolean" },
      ],
    });
    const errors = validateSyncDefinition({ definition, destination, sourceColumns: columns });
    expect(errors).toEqual([
      { field: "behavior", message: 'Behavior "append" is not available for Fake destination Profile: Profile supports: upsert, update' },
      { field: "syncKey.column", message: expect.stringMatching(/^Sync key column "id" is not a column of the model \(columns: user_id, email/) },
      { field: "syncKey.identifier", message: '"phone" is not an identifier of Fake destination Profile (choose one of: identity, email)' },
      { field: "mappings.1.from.column", message: expect.stringContaining('Column "missing" is not a column of the model') },
      { field: "mappings.2.type", message: 'Column "meta" (jsonb) cannot be converted to number; choose string or json' },
      { field: "mappings.3.to", message: 'Field "Email" is already mapped by mapping 1' },
      { field: "mappings.4.from.constant", message: "value 'abc' in constant for field Score is not a number" },
      { field: "mappings.5.type", message: "Name (Name) expects a string, not a boolean" },
    ]);
  });

  it("checks objects, empty mappings and event settings", () => {
    expect(validateSyncDefinition({ definition: profileSync({ object: "lead" }), destination, sourceColumns: columns })).toEqual([
      { field: "object", message: 'Fake destination has no object "lead" (choose one of: profile, event)' },
    ]);
    expect(validateSyncDefinition({ definition: profileSync({ mappings: [] }), destination, sourceColumns: columns })).toEqual([
      { field: "mappings", message: "Map at least one field, or choose Sync All Columns" },
    ]);
    expect(validateSyncDefinition({ definition: profileSync({ mappings: [], syncAllColumns: true }), destination, sourceColumns: columns })).toEqual([]);

    const event = profileSync({ object: "event", behavior: "upsert", syncKey: { column: "purchase_id" }, mappings: [] });
    expect(validateSyncDefinition({ definition: event, destination, sourceColumns: columns })).toEqual([
      { field: "behavior", message: 'Behavior "upsert" is not available for Fake destination Event: events are sent once per new key and never updated' },
      { field: "event", message: "Event syncs need an event name and the column holding the user identity" },
    ]);
    const badEvent = profileSync({
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      mappings: [],
      event: { name: { column: "kind" }, identityColumn: "user_id", identifier: "email", idColumn: "nope", timestampColumn: "meta" },
    });
    expect(validateSyncDefinition({ definition: badEvent, destination, sourceColumns: columns }).map((e) => e.field)).toEqual([
      "event.name.column",
      "event.identifier",
      "event.idColumn",
      "event.timestampColumn",
    ]);
  });
});

describe("autoMatchMappings", () => {
  it("matches standard fields by name and aliases, each column once", () => {
    expect(autoMatchMappings({ columns, object: profile, exclude: ["user_id"] })).toEqual([
      { from: { column: "Full_Name" }, to: "Name", type: "string" },
      { from: { column: "email" }, to: "Email", type: "string" },
      { from: { column: "mobile" }, to: "Phone", type: "string" },
    ]);
  });
});

describe("ZSyncDefinitionPatch", () => {
  it("leaves absent fields absent instead of filling defaults", () => {
    expect(ZSyncDefinitionPatch.parse({ name: "Renamed" })).toEqual({ name: "Renamed" });
  });
});

describe("field-level control", () => {
  const clevertap = getDestinationConnector("clevertap");
  const customerio = getDestinationConnector("customerio");

  it("reads stored mappings from before the policy and transforms existed unchanged", () => {
    const stored = { ...profileSync(), event: null, changeTracking: null, mappings: [{ from: { column: "email" }, to: "Email", type: "string" }] };
    expect(parseStoredSettings(stored).mappings).toEqual([{ from: { column: "email" }, to: "Email", type: "string" }]);
  });

  it("parses the policy and transforms, upper-casing the country and refusing unknown ones", () => {
    const parsed = profileSync({
      mappings: [{ from: { column: "mobile" }, to: "Phone", type: "string", onInvalid: "drop_field", transforms: [{ type: "trim" }, { type: "phone_e164", defaultCountry: "gb" }] }],
    });
    expect(parsed.mappings[0]).toMatchObject({ onInvalid: "drop_field", transforms: [{ type: "trim" }, { type: "phone_e164", defaultCountry: "GB" }] });
    const bad = ZSyncDefinition.safeParse({ ...profileSync(), mappings: [{ from: { column: "mobile" }, to: "Phone", type: "string", transforms: [{ type: "phone_e164", defaultCountry: "XX" }] }] });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["mappings", 0, "transforms", 0, "defaultCountry"], message: "Use a two-letter country code such as GB, US or DE" });
    expect(ZSyncDefinition.safeParse({ ...profileSync(), mappings: [{ from: { column: "mobile" }, to: "Phone", type: "string", onInvalid: "ignore" }] }).success).toBe(false);
  });

  it("names transforms that cannot apply: E.164 on a non-text type, on a constant, twice", () => {
    const definition = profileSync({
      mappings: [
        { from: { column: "mobile" }, to: "Mobile", type: "number", transforms: [{ type: "phone_e164" }] },
        { from: { constant: "x" }, to: "Source", type: "string", transforms: [{ type: "trim" }] },
        { from: { column: "email" }, to: "Email", type: "string", transforms: [{ type: "trim" }, { type: "trim" }] },
      ],
    });
    expect(validateSyncDefinition({ definition, destination, sourceColumns: columns })).toEqual([
      { field: "mappings.0.transforms", message: "Normalising to E.164 gives text (+442079460007): set the type of Mobile to String" },
      { field: "mappings.1.transforms", message: "Transforms apply to column values; type the constant as it should be sent" },
      { field: "mappings.2.transforms", message: "The trim transform is listed twice" },
    ]);
  });

  it("accepts JSON for Customer.io and says why CleverTap refuses it, before any run", () => {
    const json = (object: string) => profileSync({ object, syncKey: { column: "user_id" }, mappings: [{ from: { column: "meta" }, to: "meta", type: "json" }] });
    expect(validateSyncDefinition({ definition: json("person"), destination: customerio, sourceColumns: columns })).toEqual([]);
    expect(validateSyncDefinition({ definition: json("profile"), destination: clevertap, sourceColumns: columns })).toEqual([
      { field: "mappings.0.type", message: expect.stringMatching(/^CleverTap profile properties do not accept objects or arrays .*Map the column as String/) },
    ]);
  });

  it("starts a mapping with the column's own type, JSON only where the destination takes objects", () => {
    const cio = customerio.objects.find((o) => o.id === "person")!;
    const ct = clevertap.objects.find((o) => o.id === "profile")!;
    expect(["boolean", "number", "date", "string", "unknown"].map((t) => defaultFieldType(t as SourceColumn["type"], ct))).toEqual(["boolean", "number", "date", "string", "string"]);
    expect(defaultFieldType("json", cio)).toBe("json");
    expect(defaultFieldType("json", ct)).toBe("string");
  });
});


import { describe, expect, it } from "vitest";
import { ZSchedule, ZSyncDefinition } from "~/server/sync/definition";
import { buildDefinition, buildSchedule, createDefaultValues, createEmptyMapping, diffDefinition, joinTableRef, readSchedule, readSyncView, splitTableRef, type SyncFormValues } from "./sync-form-values";
import type { SyncView } from "./sync-types";

function profileForm(): SyncFormValues {
  return {
    ...createDefaultValues("Europe/Paris"),
    name: "Users to CleverTap",
    sourceId: "conn_src",
    tableRef: joinTableRef("public", "users"),
    destinationId: "conn_dst",
    object: "profile",
    behavior: "upsert",
    syncKeyColumn: "user_id",
    syncKeyIdentifier: "identity",
    mappings: [
      { ...createEmptyMapping(), column: "email", to: "Email", matched: true },
      { ...createEmptyMapping(), sourceKind: "constant", constant: "42", to: "Score", type: "number" },
      createEmptyMapping(),
    ],
  };
}

describe("buildDefinition", () => {
  it("produces a definition the server schema accepts, dropping blank rows and typing constants", () => {
    const definition = buildDefinition(profileForm(), { isEvent: false, supportsEventId: false });
    const parsed = ZSyncDefinition.parse(definition);
    expect(parsed.model).toEqual({ type: "table", schema: "public", table: "users" });
    expect(parsed.syncKey).toEqual({ column: "user_id", identifier: "identity" });
    expect(parsed.mappings).toEqual([
      { from: { column: "email" }, to: "Email", type: "string", onInvalid: "skip_row", transforms: [] },
      { from: { constant: 42 }, to: "Score", type: "number", onInvalid: "skip_row", transforms: [] },
    ]);
    expect(parsed.event).toBeNull();
  });

  it("builds event settings only for event objects, with the id column only where the destination takes one", () => {
    const values: SyncFormValues = { ...profileForm(), object: "event", behavior: "append", eventNameConstant: "Charged", identityColumn: "user_id", idColumn: "order_id", eventIdentifier: "id" };
    expect(buildDefinition(values, { isEvent: true, supportsEventId: false }).event).toEqual({ name: { constant: "Charged" }, identityColumn: "user_id", identifier: "id" });
    const cio = buildDefinition(values, { isEvent: true, supportsEventId: true });
    expect(cio.event).toMatchObject({ idColumn: "order_id" });
    expect(cio.syncKey).toEqual({ column: "user_id" });
    expect(ZSyncDefinition.safeParse(cio).success).toBe(true);
  });
});

describe("mapping settings", () => {
  it("sends the invalid-value policy and the transforms in the editor's order, and reads them back", () => {
    const values: SyncFormValues = {
      ...profileForm(),
      mappings: [{ ...createEmptyMapping(), column: "phone", to: "Phone", onInvalid: "drop_field", e164: true, defaultCountry: "GB", trim: true }],
    };
    const definition = buildDefinition(values, { isEvent: false, supportsEventId: false });
    expect(ZSyncDefinition.parse(definition).mappings).toEqual([
      { from: { column: "phone" }, to: "Phone", type: "string", onInvalid: "drop_field", transforms: [{ type: "trim" }, { type: "phone_e164", defaultCountry: "GB" }] },
    ]);
    const view = { ...definition, model: definition.model, event: null, nextRunAt: null } as unknown as SyncView;
    expect(readSyncView(view, "UTC").mappings).toEqual([{ ...values.mappings[0], matched: undefined }].map(({ matched: _m, ...row }) => row));
  });

  it("reads a mapping saved before the settings existed as skip the row, no transforms", () => {
    const view = { ...buildDefinition(profileForm(), { isEvent: false, supportsEventId: false }), mappings: [{ from: { column: "email" }, to: "Email", type: "string" }] } as unknown as SyncView;
    expect(readSyncView(view, "UTC").mappings).toEqual([{ ...createEmptyMapping(), column: "email", to: "Email" }]);
  });
});

describe("schedules", () => {
  it("round-trips every editor shape through the server's schedule schema", () => {
    const base = createDefaultValues("UTC").schedule;
    const cases = [
      { ...base, kind: "manual" as const },
      { ...base, kind: "minutes" as const, every: "15" },
      { ...base, kind: "hours" as const, every: "2" },
      { ...base, kind: "daily" as const, time: "06:30", timezone: "Europe/Paris" },
      { ...base, kind: "cron" as const, expression: "0 6 * * 1-5", timezone: "America/New_York" },
    ];
    for (const form of cases) {
      const schedule = buildSchedule(form);
      expect(ZSchedule.safeParse(schedule).success).toBe(true);
      expect(buildSchedule(readSchedule(schedule, "UTC"))).toEqual(schedule);
    }
    expect(buildSchedule(cases[3]!)).toEqual({ type: "cron", expression: "30 6 * * *", timezone: "Europe/Paris" });
    expect(buildSchedule(cases[2]!)).toEqual({ type: "interval", minutes: 120 });
  });
});

describe("table references and diffs", () => {
  it("keeps schema and table names with dots apart", () => {
    expect(splitTableRef(joinTableRef("my.schema", "a.b"))).toEqual({ schema: "my.schema", table: "a.b" });
    expect(splitTableRef("")).toBeNull();
  });

  it("sends only the fields that changed", () => {
    const before = buildDefinition(profileForm(), { isEvent: false, supportsEventId: false });
    const after = buildDefinition({ ...profileForm(), name: "Renamed", initialSync: "skip" }, { isEvent: false, supportsEventId: false });
    expect(diffDefinition(before, after)).toEqual({ name: "Renamed", initialSync: "skip" });
  });
});

import { describe, expect, it } from "vitest";
import { diffSyncDefinitions } from "./diff-sync-definitions";

const email = { from: { column: "email" }, to: "Email", type: "string" };

describe("diffSyncDefinitions", () => {
  it("compares mappings by destination field, ignoring order and spelled-out defaults", () => {
    const before = { name: "Users", mappings: [email, { from: { column: "username" }, to: "Name", type: "string" }] };
    const after = { name: "Users", mappings: [{ from: { column: "username" }, to: "Name", type: "string", onInvalid: "skip_row", transforms: [] }, { ...email, onInvalid: "skip_row" }] };
    expect(diffSyncDefinitions(before, after)).toEqual([]);
  });

  it("names each changed, added and removed mapping and nested setting", () => {
    const before = { mappings: [email], schedule: { type: "interval", minutes: 15 }, enabled: true };
    const after = {
      mappings: [{ ...email, transforms: [{ type: "trim" }] }, { from: { column: "plan" }, to: "Plan", type: "string" }],
      schedule: { type: "cron", expression: "0 * * * *", timezone: "UTC" },
      enabled: false,
    };
    expect(diffSyncDefinitions(before, after)).toEqual([
      { field: "mappings.Email", label: "Mapping → Email", before: email, after: { ...email, transforms: [{ type: "trim" }] } },
      { field: "mappings.Plan", label: "Mapping → Plan", before: null, after: { from: { column: "plan" }, to: "Plan", type: "string" } },
      { field: "schedule", label: "Schedule", before: before.schedule, after: after.schedule },
      { field: "enabled", label: "Enabled", before: true, after: false },
    ]);
  });
});

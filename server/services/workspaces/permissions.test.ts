import { describe, expect, it } from "vitest";
import { hasPermission, permissionsOf, PERMISSIONS } from "./permissions";

describe("permission table", () => {
  it("gives admins everything", () => {
    expect(permissionsOf("ADMIN")).toEqual(Object.keys(PERMISSIONS));
  });
  it("lets members edit and run syncs but not touch credentials or members", () => {
    expect(hasPermission("MEMBER", "syncs.write")).toBe(true);
    expect(hasPermission("MEMBER", "syncs.run")).toBe(true);
    expect(hasPermission("MEMBER", "connections.write")).toBe(false);
    expect(hasPermission("MEMBER", "members.manage")).toBe(false);
  });
  it("keeps viewers read-only", () => {
    expect(permissionsOf("VIEWER").every((p) => p.endsWith(".read"))).toBe(true);
  });
});

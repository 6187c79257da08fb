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
  it("never lets viewers run a query on a source", () => {
    expect(hasPermission("VIEWER", "models.query")).toBe(false);
    expect(hasPermission("MEMBER", "models.query")).toBe(true);
    expect(hasPermission("ADMIN", "models.query")).toBe(true);
  });
  // Testing a connection, saving a sync (its columns are checked) and running one all read the source,
  // so whoever holds those permissions must also hold models.query.
  it.each(["connections.write", "syncs.write", "syncs.run"] as const)("grants %s only to roles that may query sources", (permission) => {
    for (const role of PERMISSIONS[permission]) expect(hasPermission(role, "models.query"), `${role} has ${permission}`).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { describeConfigFields, findConnector } from "~/server/connectors/registry";
import { buildConfigPayload, buildInitialConfigValues, findMovedEndpoints, reentryActions } from "./config-form-values";

const fields = describeConfigFields(findConnector("postgres")!);
const stored = { host: "db.internal", port: 5432, database: "app", user: "reader", sslMode: "require", password: { set: true } };

describe("endpoint changes in the connection form", () => {
  const baseline = buildInitialConfigValues(fields, stored);
  const storedSecrets = new Set(["password"]);

  it("sees a moved host, port or SSL mode, not a moved database or user, nor extra spaces", () => {
    expect(findMovedEndpoints(fields, { ...baseline, database: "other", user: "x", host: " db.internal " }, baseline, storedSecrets, {})).toEqual([]);
    expect(findMovedEndpoints(fields, { ...baseline, port: "6543" }, baseline, storedSecrets, {}).map((f) => f.name)).toEqual(["port"]);
    expect(findMovedEndpoints(fields, { ...baseline, sslMode: "disable", host: "evil.example" }, baseline, storedSecrets, {}).map((f) => f.name)).toEqual(["host", "sslMode"]);
  });

  it("sends a retyped secret, and nothing for an empty one so the server asks for it again", () => {
    const moved = { ...baseline, port: "6543" };
    expect(buildConfigPayload(fields, moved, reentryActions(fields, moved, storedSecrets, {}))).not.toHaveProperty("password");
    const typed = { ...moved, password: "new-one" };
    expect(buildConfigPayload(fields, typed, reentryActions(fields, typed, storedSecrets, {}))).toMatchObject({ port: 6543, password: "new-one" });
    expect(buildConfigPayload(fields, moved, reentryActions(fields, moved, storedSecrets, { password: "remove" }))).toMatchObject({ password: null });
  });
});

import { describe, expect, it } from "vitest";
import { canonicalJson, hashPayload } from "./hash";

describe("hashPayload", () => {
  const base = { identifier: { type: "identity", value: "u1" }, fields: { Email: "a@b.c", Age: 3, Since: new Date("2024-01-01T00:00:00Z") } };

  it("does not depend on key order or Date instances", () => {
    const reordered = { fields: { Since: new Date(Date.UTC(2024, 0, 1)), Age: 3, Email: "a@b.c" }, identifier: { value: "u1", type: "identity" } };
    expect(hashPayload(reordered)).toBe(hashPayload(base));
    expect(hashPayload({ ...base, fields: { ...base.fields, Age: -0 } })).toBe(hashPayload({ ...base, fields: { ...base.fields, Age: 0 } }));
  });

  it("changes when a value, a field, the identifier or the event changes", () => {
    const h = hashPayload(base);
    expect(hashPayload({ ...base, fields: { ...base.fields, Age: 4 } })).not.toBe(h);
    expect(hashPayload({ ...base, fields: { ...base.fields, Extra: null } })).not.toBe(h);
    expect(hashPayload({ ...base, identifier: { type: "identity", value: "u2" } })).not.toBe(h);
    expect(hashPayload({ ...base, event: { name: "Charged" } })).not.toBe(h);
    expect(hashPayload({ ...base, fields: { ...base.fields, Age: "3" } })).not.toBe(h);
  });

  it("writes canonical JSON with sorted keys", () => {
    expect(canonicalJson({ b: 1, a: { d: new Date(0), c: [2n] } })).toBe('{"a":{"c":[{"$bigint":"2"}],"d":{"$date":"1970-01-01T00:00:00.000Z"}},"b":1}');
  });
});

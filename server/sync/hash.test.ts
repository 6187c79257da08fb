import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, hashPayload, matchesStoredHash } from "./hash";

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

  it("writes exactly the text of the general canonical form for every value a record can hold", () => {
    // The reference: the JSON of the canonical object, as every state before the direct writer was hashed.
    const reference = (value: unknown): string => {
      const canonical = (v: unknown): unknown => {
        if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? null : v.toISOString() };
        if (typeof v === "bigint") return { $bigint: v.toString() };
        if (Array.isArray(v)) return v.map(canonical);
        if (v && typeof v === "object") {
          return Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, canonical(x)]),
          );
        }
        return v;
      };
      return JSON.stringify(canonical(value)) ?? "null";
    };
    const samples: unknown[] = [
      { identifier: { type: "identity", value: "é\"\\\n" }, fields: { Z: 1.5, a: -0, "Signed Up": new Date(0), b: null, c: true, d: undefined, e: NaN, f: Infinity }, event: null },
      { identifier: { type: "id", value: "1" }, fields: { "ü": "x", U: "y", _: "z", "10": 1, "9": 2 }, event: { name: "Charged", timestamp: new Date("invalid"), id: "e1" } },
      [undefined, 1, [2n, { b: 1, a: [] }]],
      "text",
      12,
      null,
    ];
    for (const sample of samples) expect(canonicalJson(sample)).toBe(reference(sample));
  });

  it("gives the same text whatever shapes came before (the writer remembers recent key orders)", () => {
    // More shapes than the writer remembers, in both key orders, interleaved: each must still sort its own keys.
    const objects = Array.from({ length: 40 }, (_, i) => (i % 2 ? { [`k${i}`]: i, a: 1, z: 2 } : { z: 2, a: 1, [`k${i}`]: i }));
    for (let round = 0; round < 2; round++) {
      for (const object of objects) {
        const sorted = Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : 1)));
        expect(canonicalJson(object)).toBe(JSON.stringify(sorted));
      }
    }
  });

  it("still matches states hashed with SHA-256 before, so an upgrade resends nothing", () => {
    const text = canonicalJson({ identifier: base.identifier, fields: base.fields, event: null });
    const legacy = createHash("sha256").update(text).digest("hex");
    expect(hashPayload(base)).toMatch(/^[0-9a-f]{40}$/);
    expect(matchesStoredHash(base, hashPayload(base), legacy)).toBe(true);
    expect(matchesStoredHash(base, hashPayload(base), hashPayload(base))).toBe(true);
    const changed = { ...base, fields: { ...base.fields, Age: 4 } };
    expect(matchesStoredHash(changed, hashPayload(changed), legacy)).toBe(false);
    expect(matchesStoredHash(changed, hashPayload(changed), hashPayload(base))).toBe(false);
  });
});

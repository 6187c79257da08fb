import { describe, expect, it } from "vitest";
import { convertValue, detectFieldType } from "./convert";

describe("convertValue", () => {
  it("converts numbers from numeric text, bigints, booleans and dates", () => {
    expect(convertValue("12.50", "number", "column price")).toEqual({ ok: true, value: 12.5 });
    expect(convertValue(" -3e2 ", "number", "column price")).toEqual({ ok: true, value: -300 });
    expect(convertValue(42n, "number", "column price")).toEqual({ ok: true, value: 42 });
    expect(convertValue(true, "number", "column price")).toEqual({ ok: true, value: 1 });
    expect(convertValue(new Date("2024-01-01T00:00:10Z"), "number", "column at")).toEqual({ ok: true, value: 1704067210 });
  });

  it("explains values that are not numbers", () => {
    expect(convertValue("abc", "number", "column price")).toEqual({ ok: false, reason: "value 'abc' in column price is not a number" });
    expect(convertValue("12abc", "number", "column price")).toMatchObject({ ok: false });
    expect(convertValue(2n ** 64n, "number", "column big")).toEqual({
      ok: false,
      reason: "value '18446744073709551616' in column big is not a number that fits in 53 bits without losing digits",
    });
    expect(convertValue(Number.NaN, "number", "column x")).toMatchObject({ ok: false });
  });

  it("converts dates from Date, ISO text and epoch seconds or milliseconds", () => {
    const instant = new Date("2024-03-05T10:00:00Z");
    expect(convertValue(instant, "date", "column at")).toEqual({ ok: true, value: instant });
    expect(convertValue("2024-03-05T10:00:00Z", "date", "column at")).toEqual({ ok: true, value: instant });
    expect(convertValue(instant.getTime() / 1000, "date", "column at")).toEqual({ ok: true, value: instant });
    expect(convertValue(instant.getTime(), "date", "column at")).toEqual({ ok: true, value: instant });
    expect(convertValue(String(instant.getTime() / 1000), "date", "column at")).toEqual({ ok: true, value: instant });
    expect(convertValue("not a day", "date", "column at")).toEqual({ ok: false, reason: "value 'not a day' in column at is not a date" });
  });

  it("converts booleans from words and 0/1", () => {
    expect(convertValue("Yes", "boolean", "column a")).toEqual({ ok: true, value: true });
    expect(convertValue("f", "boolean", "column a")).toEqual({ ok: true, value: false });
    expect(convertValue(0, "boolean", "column a")).toEqual({ ok: true, value: false });
    expect(convertValue("maybe", "boolean", "column a")).toEqual({ ok: false, reason: "value 'maybe' in column a is not a boolean (true/false, yes/no, 1/0)" });
  });

  it("turns anything into a string and keeps nulls", () => {
    expect(convertValue(12, "string", "column a")).toEqual({ ok: true, value: "12" });
    expect(convertValue({ a: [1, 2] }, "string", "column a")).toEqual({ ok: true, value: '{"a":[1,2]}' });
    expect(convertValue(new Date("2024-01-01T00:00:00Z"), "string", "column a")).toEqual({ ok: true, value: "2024-01-01T00:00:00.000Z" });
    expect(convertValue(null, "number", "column a")).toEqual({ ok: true, value: null });
    expect(convertValue("  ", "date", "column a")).toEqual({ ok: true, value: null });
    expect(convertValue("", "string", "column a")).toEqual({ ok: true, value: "" });
  });

  it("shortens long values in reasons", () => {
    const result = convertValue("x".repeat(500), "number", "column a");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(120);
  });
});

describe("detectFieldType", () => {
  it("uses the column type, or the value's own type when unknown", () => {
    expect(detectFieldType("number", "12")).toBe("number");
    expect(detectFieldType("json", { a: 1 })).toBe("string");
    expect(detectFieldType("unknown", 3)).toBe("number");
    expect(detectFieldType("unknown", new Date())).toBe("date");
    expect(detectFieldType("unknown", "x")).toBe("string");
  });
});

describe("convertValue to JSON", () => {
  it("keeps objects and arrays, parses JSON text and explains what is not JSON", () => {
    expect(convertValue({ plan: "pro", seats: [1, 2] }, "json", "column attrs")).toEqual({ ok: true, value: { plan: "pro", seats: [1, 2] } });
    expect(convertValue('{"a":{"b":true}}', "json", "column attrs")).toEqual({ ok: true, value: { a: { b: true } } });
    expect(convertValue({ at: new Date("2024-01-02T03:04:05Z"), n: 10n }, "json", "column attrs")).toEqual({ ok: true, value: { at: "2024-01-02T03:04:05.000Z", n: "10" } });
    expect(convertValue("{not json", "json", "column attrs")).toEqual({ ok: false, reason: "value '{not json' in column attrs is not valid JSON" });
    expect(convertValue("", "json", "column attrs")).toEqual({ ok: true, value: null });
  });
});


import { describe, expect, it } from "vitest";
import { applyTransforms, isPhoneCountry } from "./value-transforms";

const e164 = (defaultCountry?: string) => [{ type: "phone_e164" as const, defaultCountry }];

describe("applyTransforms", () => {
  it("normalises phone numbers to E.164 with the real libphonenumber metadata", () => {
    expect(applyTransforms("+44 20 7946 0007", e164(), "column phone")).toEqual({ ok: true, value: "+442079460007" });
    expect(applyTransforms("020 7946 0007", e164("GB"), "column phone")).toEqual({ ok: true, value: "+442079460007" });
    expect(applyTransforms("(415) 555-2671", e164("US"), "column phone")).toEqual({ ok: true, value: "+14155552671" });
    // An explicit country code wins over the default country.
    expect(applyTransforms("+1 415 555 2671", e164("GB"), "column phone")).toEqual({ ok: true, value: "+14155552671" });
  });

  it("explains numbers it cannot normalise, naming the value and the column", () => {
    expect(applyTransforms("020 7946 0007", e164(), "column phone")).toEqual({
      ok: false,
      reason: "value '020 7946 0007' in column phone has no country code; add one (+44 …) or set a default country on the E.164 transform",
    });
    expect(applyTransforms("garbage", e164("GB"), "column phone")).toEqual({ ok: false, reason: "value 'garbage' in column phone is not a phone number" });
    expect(applyTransforms("12", e164("GB"), "column phone")).toEqual({ ok: false, reason: "value '12' in column phone is not a valid phone number for GB (too short)" });
    // Ofcom's drama range for mobiles is not allocated: the full metadata knows, a length check would not.
    expect(applyTransforms("07700 900123", e164("GB"), "column phone")).toEqual({ ok: false, reason: "value '07700 900123' in column phone is not a valid phone number for GB" });
  });

  it("leaves null and blank phones empty instead of failing them", () => {
    expect(applyTransforms(null, e164("GB"), "column phone")).toEqual({ ok: true, value: null });
    expect(applyTransforms("   ", e164("GB"), "column phone")).toEqual({ ok: true, value: null });
  });

  it("trims and lower-cases text in order, and leaves other values alone", () => {
    expect(applyTransforms("  Ada@Example.COM ", [{ type: "trim" }, { type: "lowercase" }], "column email")).toEqual({ ok: true, value: "ada@example.com" });
    expect(applyTransforms(42, [{ type: "trim" }, { type: "lowercase" }], "column n")).toEqual({ ok: true, value: 42 });
    expect(applyTransforms(" +44 20 7946 0007 ", [{ type: "trim" }, ...e164()], "column phone")).toEqual({ ok: true, value: "+442079460007" });
  });

  it("knows the two-letter countries libphonenumber supports", () => {
    expect(isPhoneCountry("GB")).toBe(true);
    expect(isPhoneCountry("XX")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { applyLookback, compareChangeValues, decodeWatermark, encodeWatermark, maxChangeValue, nextWatermark, planRead } from "./watermark";

const TRACKING = { column: "updated_at", lookbackMinutes: 15, fullCompareHours: 24 };
const NOW = new Date("2026-12-02T12:00:00Z");

describe("watermark", () => {
  it("orders dates, numbers and int8/decimal text by value", () => {
    expect(compareChangeValues(new Date(1000), new Date(2000))).toBeLessThan(0);
    expect(compareChangeValues("9007199254740993", "9007199254740992")).toBeGreaterThan(0);
    expect(compareChangeValues("10", "9")).toBeGreaterThan(0);
    expect(compareChangeValues(2.5, "2")).toBeGreaterThan(0);
    expect(maxChangeValue("v", [{ v: "9" }, { v: null }, { v: "10" }], undefined)).toBe("10");
    expect(maxChangeValue("v", [{ v: 3 }], 5)).toBe(5);
  });

  it("keeps values exactly through its encoding, and moves only dates back by the look-back", () => {
    const date = new Date("2026-12-01T10:00:00.123Z");
    expect(decodeWatermark(encodeWatermark({ column: "updated_at", value: date }))).toEqual({ column: "updated_at", value: date });
    expect(applyLookback(date, 15)).toEqual(new Date("2026-12-01T09:45:00.123Z"));
    expect(applyLookback("42", 15)).toBe("42");
    expect(applyLookback(42, 15)).toBe(42);
  });

  it("reads everything on a full resync, without a watermark, after a column change and when the full compare is due", () => {
    const watermark = encodeWatermark({ column: "updated_at", value: new Date("2026-12-02T11:00:00Z") });
    const recent = new Date("2026-12-02T00:00:00Z");
    expect(planRead({ changeTracking: TRACKING, watermark, lastFullCompareAt: recent, fullResync: true, now: NOW }).mode).toBe("full");
    expect(planRead({ changeTracking: TRACKING, watermark: null, lastFullCompareAt: recent, fullResync: false, now: NOW }).mode).toBe("full");
    expect(planRead({ changeTracking: { ...TRACKING, column: "changed_at" }, watermark, lastFullCompareAt: recent, fullResync: false, now: NOW })).toMatchObject({
      mode: "full",
      reason: "the change-tracking column changed from updated_at to changed_at",
    });
    expect(planRead({ changeTracking: TRACKING, watermark, lastFullCompareAt: new Date("2026-12-01T11:59:00Z"), fullResync: false, now: NOW }).mode).toBe("full");
    const plan = planRead({ changeTracking: TRACKING, watermark, lastFullCompareAt: recent, fullResync: false, now: NOW });
    expect(plan).toMatchObject({ mode: "incremental", since: { column: "updated_at", value: new Date("2026-12-02T10:45:00Z") } });
  });

  it("never moves a watermark back, and starts over for another column", () => {
    const high = encodeWatermark({ column: "id", value: "50" });
    const low = encodeWatermark({ column: "id", value: "40" });
    expect(nextWatermark(high, low)).toBe(high);
    expect(nextWatermark(low, high)).toBe(high);
    expect(nextWatermark(high, null)).toBe(high);
    const other = encodeWatermark({ column: "seq", value: 1 });
    expect(nextWatermark(high, other)).toBe(other);
  });
});

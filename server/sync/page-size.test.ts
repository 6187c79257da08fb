import { describe, expect, it } from "vitest";
import { choosePageSize, estimateRowBytes, MAX_PAGE_ROWS, MIN_PAGE_ROWS, PAGE_BYTE_BUDGET } from "./page-size";

describe("choosePageSize", () => {
  it("keeps a page of narrow rows at the upper bound", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, plan: "pro" }));
    expect(choosePageSize(rows, 1000)).toBe(MAX_PAGE_ROWS);
  });

  it("shrinks pages of wide rows so a page stays within the byte budget", () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, doc: "x".repeat(20_000) }));
    const size = choosePageSize(rows, 1000);
    expect(size).toBeLessThan(1000);
    expect(size * estimateRowBytes(rows[0]!)).toBeLessThanOrEqual(PAGE_BYTE_BUDGET);
  });

  it("never goes below the lower bound, and keeps the size when there is nothing to measure", () => {
    expect(choosePageSize([{ id: 1, doc: "x".repeat(10_000_000) }], 1000)).toBe(MIN_PAGE_ROWS);
    expect(choosePageSize([], 1234)).toBe(1234);
  });
});

import { describe, expect, it } from "vitest";
import { compareRowCounts } from "./row-count-warnings";
import { finalRunStatus } from "./run-status";

describe("finalRunStatus", () => {
  it("separates the source's invalid rows from the destination's rejections", () => {
    expect(finalRunStatus({ invalid: 0, rejected: 0 })).toBe("SUCCEEDED");
    expect(finalRunStatus({ invalid: 1003, rejected: 0 })).toBe("SUCCEEDED_WITH_INVALID_ROWS");
    expect(finalRunStatus({ invalid: 0, rejected: 2 })).toBe("SUCCEEDED_WITH_REJECTIONS");
    // Rejections are what to act on (they are retried next run), so they win.
    expect(finalRunStatus({ invalid: 5, rejected: 1 })).toBe("SUCCEEDED_WITH_REJECTIONS");
  });
});

describe("compareRowCounts", () => {
  const previous = { id: "run_prev", rowsRead: 1000 };

  it("warns on 0 rows, with or without an earlier run", () => {
    expect(compareRowCounts(0, null)).toEqual([
      { code: "NO_ROWS", message: "The model returned 0 rows: check the source table or query.", rowsRead: 0, previousRowsRead: null, previousRunId: null },
    ]);
    expect(compareRowCounts(0, previous)[0]).toMatchObject({ code: "NO_ROWS", message: "The model returned 0 rows (the last successful run read 1,000): check the source table or query." });
  });

  it("warns under half of the last successful run's rows, and not at or above half", () => {
    expect(compareRowCounts(499, previous)).toEqual([
      {
        code: "FEWER_ROWS",
        message: "The model returned 499 rows, 49% of the 1,000 the last successful run read: check the source table or query.",
        rowsRead: 499,
        previousRowsRead: 1000,
        previousRunId: "run_prev",
      },
    ]);
    expect(compareRowCounts(500, previous)).toEqual([]);
    expect(compareRowCounts(5000, previous)).toEqual([]);
    expect(compareRowCounts(3, null)).toEqual([]);
  });
});

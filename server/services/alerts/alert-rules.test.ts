import { describe, expect, it } from "vitest";
import { DEFAULT_ALERT_RULES, decideAlertEvents, problemRowsPercentOf, type RunFacts } from "./alert-rules";

const ok: RunFacts = { status: "SUCCEEDED", rowsRead: 100, rowsInvalid: 0, rowsRejected: 0, warnings: [] };
const failed: RunFacts = { status: "FAILED", rowsRead: 0, rowsInvalid: 0, rowsRejected: 0, warnings: [] };

/** Walks a sequence of runs as the alert task sees them, each compared with the one before. */
function alertsOver(runs: RunFacts[], rules = DEFAULT_ALERT_RULES) {
  return runs.map((run, i) => decideAlertEvents({ run, previous: runs[i - 1] ?? null, rules }));
}

describe("decideAlertEvents", () => {
  it("alerts once when a sync starts failing and once when it recovers", () => {
    expect(alertsOver([ok, failed, failed, ok, ok])).toEqual([[], ["FAILURE"], [], ["RECOVERY"], []]);
  });

  it("alerts on the first run of a new sync when it fails", () => {
    expect(alertsOver([failed, failed])).toEqual([["FAILURE"], []]);
  });

  it("respects switched-off rules", () => {
    expect(alertsOver([ok, failed, ok], { ...DEFAULT_ALERT_RULES, onFailure: false, onRecovery: false })).toEqual([[], [], []]);
  });

  it("alerts when invalid plus rejected rows first exceed the threshold, not while they stay above it", () => {
    const bad = { ...ok, rowsInvalid: 6, rowsRejected: 5 };
    const rules = { ...DEFAULT_ALERT_RULES, problemRowsPercent: 10 };
    expect(alertsOver([ok, bad, bad, ok, bad], rules)).toEqual([[], ["THRESHOLD"], [], [], ["THRESHOLD"]]);
    // Exactly at the threshold is not over it.
    expect(decideAlertEvents({ run: { ...ok, rowsInvalid: 10 }, previous: ok, rules })).toEqual([]);
  });

  it("reports a recovery that is over the threshold as both", () => {
    const rules = { ...DEFAULT_ALERT_RULES, problemRowsPercent: 5 };
    expect(decideAlertEvents({ run: { ...ok, rowsRejected: 50, status: "SUCCEEDED_WITH_REJECTIONS" }, previous: failed, rules })).toEqual(["RECOVERY", "THRESHOLD"]);
  });

  it("alerts on the first run with warnings when warning alerts are on", () => {
    const warned = { ...ok, rowsRead: 0, warnings: ["The model returned 0 rows"] };
    expect(alertsOver([ok, warned, warned, ok], { ...DEFAULT_ALERT_RULES, onWarning: true })).toEqual([[], ["WARNING"], [], []]);
    expect(alertsOver([ok, warned])).toEqual([[], []]);
  });
});

describe("problemRowsPercentOf", () => {
  it("is 0 for a run that read nothing", () => {
    expect(problemRowsPercentOf({ rowsRead: 0, rowsInvalid: 0, rowsRejected: 0 })).toBe(0);
    expect(problemRowsPercentOf({ rowsRead: 200, rowsInvalid: 10, rowsRejected: 30 })).toBe(20);
  });
});

import { describe, expect, it } from "vitest";
import { computeNextRunAt, computeNextRuns, describeSchedule, parseCron, ScheduleError } from "./schedule";

describe("computeNextRuns", () => {
  const from = new Date("2026-03-28T05:07:30Z");

  it("answers nothing for a manual schedule", () => {
    expect(computeNextRuns({ type: "manual" }, from)).toEqual([]);
    expect(computeNextRunAt({ type: "manual" }, from)).toBeNull();
  });

  it("spaces interval runs every N minutes from the given time", () => {
    const runs = computeNextRuns({ type: "interval", minutes: 15 }, from, 3);
    expect(runs.map((d) => d.toISOString())).toEqual(["2026-03-28T05:22:30.000Z", "2026-03-28T05:37:30.000Z", "2026-03-28T05:52:30.000Z"]);
  });

  it("reads cron expressions in the schedule's time zone, across a DST change", () => {
    // Paris moves from UTC+1 to UTC+2 on 2026-03-29.
    const runs = computeNextRuns({ type: "cron", expression: "0 6 * * *", timezone: "Europe/Paris" }, from, 3);
    expect(runs.map((d) => d.toISOString())).toEqual(["2026-03-29T04:00:00.000Z", "2026-03-30T04:00:00.000Z", "2026-03-31T04:00:00.000Z"]);
  });

  it("answers five runs by default, strictly after the given time", () => {
    const at = new Date("2026-01-01T10:00:00Z");
    const runs = computeNextRuns({ type: "cron", expression: "0 * * * *", timezone: "UTC" }, at);
    expect(runs).toHaveLength(5);
    expect(runs[0]?.toISOString()).toBe("2026-01-01T11:00:00.000Z");
    expect(computeNextRunAt({ type: "cron", expression: "*/10 * * * *", timezone: "UTC" }, at)?.toISOString()).toBe("2026-01-01T10:10:00.000Z");
  });
});

describe("parseCron", () => {
  it("names what is wrong with an expression", () => {
    expect(() => parseCron("61 * * * *", "UTC")).toThrow(/Cron expression "61 \* \* \* \*" is invalid: .*minute/);
    expect(() => parseCron("* * *", "UTC")).toThrow(/has 3 fields; expected 5/);
    expect(() => parseCron("*/15 * * * * *", "UTC")).toThrow(/has 6 fields; expected 5/);
    expect(() => parseCron("0 6 * * *", "Mars/Olympus")).toThrow(/"Mars\/Olympus" is not a known IANA time zone/);
    expect(() => parseCron("0 0 31 2 *", "UTC")).toThrow(/never fires/);
    expect(() => parseCron("0 6 * * *", "UTC")).not.toThrow();
  });

  it("throws ScheduleError so callers can show it as a field error", () => {
    expect(() => computeNextRuns({ type: "cron", expression: "bad", timezone: "UTC" }, new Date())).toThrow(ScheduleError);
  });
});

describe("describeSchedule", () => {
  it.each([
    [{ type: "manual" } as const, "Manual only"],
    [{ type: "interval", minutes: 1 } as const, "Every minute"],
    [{ type: "interval", minutes: 15 } as const, "Every 15 minutes"],
    [{ type: "interval", minutes: 60 } as const, "Every hour"],
    [{ type: "interval", minutes: 180 } as const, "Every 3 hours"],
    [{ type: "interval", minutes: 1440 } as const, "Every day"],
    [{ type: "cron", expression: "0 6 * * *", timezone: "Europe/Paris" } as const, "Daily at 06:00 Europe/Paris"],
    [{ type: "cron", expression: "30 9 * * 1-5", timezone: "UTC" } as const, "Weekdays at 09:30 UTC"],
    [{ type: "cron", expression: "0 8 * * 1", timezone: "America/New_York" } as const, "Every Monday at 08:00 America/New_York"],
    [{ type: "cron", expression: "0 2 1 * *", timezone: "UTC" } as const, "Monthly on day 1 at 02:00 UTC"],
    [{ type: "cron", expression: "15 * * * *", timezone: "UTC" } as const, "Hourly at minute 15 UTC"],
    [{ type: "cron", expression: "*/5 * * * *", timezone: "UTC" } as const, "Every 5 minutes"],
    [{ type: "cron", expression: "0 6,18 * * *", timezone: "UTC" } as const, 'Cron "0 6,18 * * *" (UTC)'],
  ])("%j → %s", (schedule, text) => {
    expect(describeSchedule(schedule)).toBe(text);
  });
});

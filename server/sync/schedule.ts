/**
 * When a sync's schedule fires next, and how to say it in words. Cron expressions are read with croner
 * in the schedule's IANA time zone; minute resolution only, because the scheduler ticks once a minute.
 */
import { Cron } from "croner";
import type { Schedule } from "~/server/sync/definition";

const MINUTE_MS = 60_000;
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export class ScheduleError extends Error {
  override name = "ScheduleError";
}

/** Parses a 5-field cron expression in a time zone, or throws a ScheduleError saying what is wrong. */
export function parseCron(expression: string, timezone: string): Cron {
  const trimmed = expression.trim();
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (!trimmed.startsWith("@") && fields.length !== 5) {
    throw new ScheduleError(
      `Cron expression "${expression}" has ${fields.length} field${fields.length === 1 ? "" : "s"}; expected 5 (minute hour day-of-month month day-of-week), e.g. "0 6 * * *"`,
    );
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new ScheduleError(`"${timezone}" is not a known IANA time zone (e.g. UTC, Europe/Paris, America/New_York)`);
  }
  let cron: Cron;
  try {
    cron = new Cron(trimmed, { timezone, paused: true, mode: "5-part" });
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "") : String(error);
    throw new ScheduleError(`Cron expression "${expression}" is invalid: ${detail}`);
  }
  if (!cron.nextRun()) throw new ScheduleError(`Cron expression "${expression}" never fires (e.g. a day that does not exist in that month)`);
  return cron;
}

/** The next `count` times the schedule fires strictly after `from` (none for a manual schedule). */
export function computeNextRuns(schedule: Schedule, from: Date, count = 5): Date[] {
  if (count <= 0) return [];
  switch (schedule.type) {
    case "manual":
      return [];
    case "interval":
      return Array.from({ length: count }, (_, i) => new Date(from.getTime() + (i + 1) * schedule.minutes * MINUTE_MS));
    case "cron":
      return parseCron(schedule.expression, schedule.timezone).nextRuns(count, from);
  }
}

/** The next time the schedule fires after `from`, or null for a manual schedule (or a cron that never fires again). */
export function computeNextRunAt(schedule: Schedule, from: Date): Date | null {
  return computeNextRuns(schedule, from, 1)[0] ?? null;
}

function plural(n: number, unit: string): string {
  return n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

const NUMBER = /^\d+$/;

/** Words for the common cron shapes; anything else is shown as the expression itself. */
function describeCron(expression: string, timezone: string): string {
  const fields = expression.trim().split(/\s+/);
  const zone = ` ${timezone}`;
  if (fields.length === 5) {
    const [minute = "", hour = "", dom = "", month = "", dow = ""] = fields;
    const everyDay = dom === "*" && month === "*";
    if (NUMBER.test(minute) && NUMBER.test(hour) && everyDay) {
      const at = `${pad(Number(hour))}:${pad(Number(minute))}`;
      if (dow === "*") return `Daily at ${at}${zone}`;
      if (dow === "1-5") return `Weekdays at ${at}${zone}`;
      if (NUMBER.test(dow) && Number(dow) <= 7) return `Every ${WEEKDAYS[Number(dow) % 7]} at ${at}${zone}`;
    }
    if (NUMBER.test(minute) && NUMBER.test(hour) && NUMBER.test(dom) && month === "*" && dow === "*") {
      return `Monthly on day ${Number(dom)} at ${pad(Number(hour))}:${pad(Number(minute))}${zone}`;
    }
    if (NUMBER.test(minute) && hour === "*" && everyDay && dow === "*") return `Hourly at minute ${Number(minute)}${zone}`;
    const step = /^\*\/(\d+)$/.exec(minute);
    if (step && hour === "*" && everyDay && dow === "*") return plural(Number(step[1]), "minute");
    if (minute === "*" && hour === "*" && everyDay && dow === "*") return "Every minute";
  }
  return `Cron "${expression.trim()}" (${timezone})`;
}

/** "Manual only", "Every 15 minutes", "Every 2 hours", "Daily at 06:00 Europe/Paris" … */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.type) {
    case "manual":
      return "Manual only";
    case "interval": {
      const { minutes } = schedule;
      if (minutes % (24 * 60) === 0) return plural(minutes / (24 * 60), "day");
      if (minutes % 60 === 0) return plural(minutes / 60, "hour");
      return plural(minutes, "minute");
    }
    case "cron":
      return describeCron(schedule.expression, schedule.timezone);
  }
}

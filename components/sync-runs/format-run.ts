import { format } from "date-fns";
import type { RunStatus, RunTriggeredBy } from "./sync-run-types";

const TRIGGERS: Record<string, string> = { MANUAL: "Manual", SCHEDULE: "Schedule", API: "API" };

export function formatTrigger(trigger: string, fullResync = false): string {
  return `${TRIGGERS[trigger] ?? trigger}${fullResync ? " · full resync" : ""}`;
}

/** "Ana Lima", "the schedule", "API token “nightly-dbt”": who or what started a run; null when nobody is recorded. */
export function formatTriggeredBy(by: RunTriggeredBy): string | null {
  switch (by.kind) {
    case "user":
      return by.name ?? "a former member";
    case "schedule":
      return "the schedule";
    case "api_token":
      return by.name ? `API token “${by.name}”` : "an API token";
    case "unknown":
      return null;
  }
}

/** "850 ms", "12 s", "3 min 4 s", "1 h 2 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Status words for screen readers and summaries. */
export function describeRunStatus(status: RunStatus): string {
  return status.toLowerCase().replaceAll("_", " ");
}

/** A change-tracking value (watermark) as the API gives it: ISO times in the reader's locale, numbers as they are. */
export function formatChangeValue(value: string): string {
  const date = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? format(date, "PPpp") : value;
}

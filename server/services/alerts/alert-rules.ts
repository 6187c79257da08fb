/**
 * When a run deserves an alert. Alerts mark a change of state, never a repeat: the first failure after a
 * success (or of a new sync), the first success after a failure, the first run over the bad-row threshold,
 * the first run with warnings. A run is compared with the sync's previous final run (cancelled runs say
 * nothing about the sync's health and are skipped by the caller).
 */
import type { AlertEvent, RunStatus } from "~/server/db/generated/client";
import { SUCCEEDED_STATUSES } from "~/server/sync/run-status";

export type AlertRules = { onFailure: boolean; onRecovery: boolean; onWarning: boolean; problemRowsPercent: number | null };

export type RunFacts = {
  status: RunStatus;
  rowsRead: number;
  rowsInvalid: number;
  rowsRejected: number;
  /** Warnings the run recorded (zero rows, far fewer rows than the last successful run). */
  warnings: readonly string[];
};

export const DEFAULT_ALERT_RULES: AlertRules = { onFailure: true, onRecovery: true, onWarning: false, problemRowsPercent: null };

function succeeded(run: RunFacts): boolean {
  return SUCCEEDED_STATUSES.includes(run.status);
}

/** Invalid plus rejected rows as a share of the rows read, in percent (0 when nothing was read). */
export function problemRowsPercentOf(run: Pick<RunFacts, "rowsRead" | "rowsInvalid" | "rowsRejected">): number {
  return run.rowsRead > 0 ? ((run.rowsInvalid + run.rowsRejected) * 100) / run.rowsRead : 0;
}

function overThreshold(run: RunFacts, percent: number | null): boolean {
  return percent !== null && succeeded(run) && problemRowsPercentOf(run) > percent;
}

/** The alerts `run` raises, given the sync's previous final run (null when it is the first). */
export function decideAlertEvents(p: { run: RunFacts; previous: RunFacts | null; rules: AlertRules }): AlertEvent[] {
  const { run, previous, rules } = p;
  const events: AlertEvent[] = [];
  if (run.status === "FAILED" && rules.onFailure && previous?.status !== "FAILED") events.push("FAILURE");
  if (succeeded(run) && rules.onRecovery && previous?.status === "FAILED") events.push("RECOVERY");
  if (overThreshold(run, rules.problemRowsPercent) && !(previous && overThreshold(previous, rules.problemRowsPercent))) events.push("THRESHOLD");
  if (rules.onWarning && succeeded(run) && run.warnings.length > 0 && !(previous && succeeded(previous) && previous.warnings.length > 0)) events.push("WARNING");
  return events;
}

import type { getSyncRun } from "~/server/services/sync-runs/get-sync-run";
import type { groupRunErrors } from "~/server/services/sync-runs/group-run-errors";
import type { listRunErrors } from "~/server/services/sync-runs/list-run-errors";
import type { listRunLogs } from "~/server/services/sync-runs/list-run-logs";
import type { listSyncRuns } from "~/server/services/sync-runs/list-sync-runs";

export type RunListItem = Awaited<ReturnType<typeof listSyncRuns>>["runs"][number];
export type RunDetail = Awaited<ReturnType<typeof getSyncRun>>;
export type RunStatus = RunDetail["status"];
export type RunCounts = RunDetail["counts"];
export type RunTrigger = RunDetail["trigger"];
export type RunLogLine = Awaited<ReturnType<typeof listRunLogs>>["logs"][number];
export type RunErrorItem = Awaited<ReturnType<typeof listRunErrors>>["errors"][number];
export type RunErrorKind = RunErrorItem["kind"];
export type RunErrorGroup = Awaited<ReturnType<typeof groupRunErrors>>["groups"][number];

export type RunTriggeredBy = RunDetail["triggeredBy"];
export type RunWarning = RunDetail["warnings"][number];

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING"];
/** Mirrors SUCCEEDED_STATUSES in server/sync/run-status.ts (components may import only types from server). */
export const SUCCEEDED_RUN_STATUSES: readonly RunStatus[] = ["SUCCEEDED", "SUCCEEDED_WITH_INVALID_ROWS", "SUCCEEDED_WITH_REJECTIONS"];

export function isRunActive(status: RunStatus): boolean {
  return ACTIVE_RUN_STATUSES.includes(status);
}

/** How long after a run finishes the page keeps waiting for its verification (read-back retries take ~5 s). */
const VERIFICATION_WAIT_MS = 30_000;

/** A run that delivered rows and finished moments ago, whose verification has not been saved yet. */
export function isAwaitingVerification(run: Pick<RunDetail, "status" | "verification" | "finishedAt" | "counts">, now = Date.now()): boolean {
  if (!SUCCEEDED_RUN_STATUSES.includes(run.status)) return false;
  if (run.verification || !run.finishedAt) return false;
  if (run.counts.created + run.counts.updated === 0) return false;
  return now - new Date(run.finishedAt).getTime() < VERIFICATION_WAIT_MS;
}

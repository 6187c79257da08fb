import type { getSyncRun } from "~/server/services/sync-runs/get-sync-run";
import type { listRunErrors } from "~/server/services/sync-runs/list-run-errors";
import type { listRunLogs } from "~/server/services/sync-runs/list-run-logs";
import type { listSyncRuns } from "~/server/services/sync-runs/list-sync-runs";

export type RunListItem = Awaited<ReturnType<typeof listSyncRuns>>["runs"][number];
export type RunDetail = Awaited<ReturnType<typeof getSyncRun>>;
export type RunStatus = RunDetail["status"];
export type RunCounts = RunDetail["counts"];
export type RunLogLine = Awaited<ReturnType<typeof listRunLogs>>["logs"][number];
export type RunErrorItem = Awaited<ReturnType<typeof listRunErrors>>["errors"][number];
export type RunErrorKind = RunErrorItem["kind"];

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING"];

export function isRunActive(status: RunStatus): boolean {
  return ACTIVE_RUN_STATUSES.includes(status);
}

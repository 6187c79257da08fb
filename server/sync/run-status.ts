/**
 * Run bookkeeping: the one place SyncRun.status changes (a guarded update, so two workers can never both
 * move a run), the step log, and record-level errors.
 */
import { redactKnownSecrets } from "~/server/connectors/redact-secrets";
import { getDb } from "~/server/db/client";
import type { Prisma, RecordErrorKind, RunStatus } from "~/server/db/generated/client";
import { groupReason } from "./record-error-identity";

/** The Prisma client or an open transaction. */
export type DbClient = Prisma.TransactionClient;
export type LogLevel = "info" | "warn" | "error";

/** A run that finished its model: everything it could send was sent. */
export const SUCCEEDED_STATUSES: readonly RunStatus[] = ["SUCCEEDED", "SUCCEEDED_WITH_INVALID_ROWS", "SUCCEEDED_WITH_REJECTIONS"];
export const TERMINAL_STATUSES: readonly RunStatus[] = [...SUCCEEDED_STATUSES, "FAILED", "CANCELLED"];
export const ACTIVE_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING"];

/**
 * Options of a page's commit, which writes up to a page of states (page-size.ts): Prisma's defaults
 * (2 s to get a connection, 5 s in all) are too short for that on a loaded server, and a commit that
 * times out costs the run a retry.
 */
export const PAGE_TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

const MAX_LOG_MESSAGE = 4000;
const MAX_REASON = 2000;
const MAX_ROW_VALUES = 500;
const INSERT_CHUNK = 1000;

async function clientOr(client?: DbClient): Promise<DbClient> {
  return client ?? (await getDb());
}

/**
 * Moves a run to `to` only if its status is one of `from`; answers whether it moved. Terminal statuses
 * set finishedAt and clear the lease unless `data` says otherwise.
 */
export async function transitionRun(p: {
  runId: string;
  workspaceId?: string;
  from: readonly RunStatus[];
  to: RunStatus;
  data?: Omit<Prisma.SyncRunUpdateManyMutationInput, "status">;
  client?: DbClient;
}): Promise<boolean> {
  const db = await clientOr(p.client);
  const terminal = TERMINAL_STATUSES.includes(p.to) ? { finishedAt: new Date(), claimedBy: null, leaseUntil: null } : {};
  const error = typeof p.data?.error === "string" ? { error: redactKnownSecrets(p.data.error) } : {};
  const { count } = await db.syncRun.updateMany({
    where: { id: p.runId, status: { in: [...p.from] }, ...(p.workspaceId ? { workspaceId: p.workspaceId } : {}) },
    data: { ...terminal, ...p.data, ...error, status: p.to },
  });
  return count === 1;
}

/**
 * The status a run that read its whole model ends with. Rejections win over invalid rows: a destination
 * refusing rows is the thing to act on (they are retried next run), while invalid rows are the source's data.
 */
export function finalRunStatus(counts: { invalid: number; rejected: number }): RunStatus {
  if (counts.rejected > 0) return "SUCCEEDED_WITH_REJECTIONS";
  if (counts.invalid > 0) return "SUCCEEDED_WITH_INVALID_ROWS";
  return "SUCCEEDED";
}

/** One step-log line; the workspace comes from the run itself so callers need only the run id. */
export async function appendRunLog(runId: string, level: LogLevel, step: string, message: string, client?: DbClient): Promise<void> {
  const db = await clientOr(client);
  const text = truncate(redactKnownSecrets(message), MAX_LOG_MESSAGE);
  await db.$executeRaw`INSERT INTO "SyncRunLog" ("workspaceId", "runId", "level", "step", "message")
    SELECT "workspaceId", "id", ${level}, ${step}, ${text} FROM "SyncRun" WHERE "id" = ${runId}`;
}

export type RecordErrorInput = {
  kind: RecordErrorKind;
  recordKey: string | null;
  field?: string | null;
  reason: string;
  code?: string | null;
  /** The row's position in the run's read order (1-based), when the engine has the row. */
  rowNumber?: number | null;
  /** A few column values, for a row its key cannot identify (see record-error-identity.ts). */
  rowValues?: string | null;
};

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Inserts record-level errors in chunks (one statement per 1000). */
export async function recordErrors(
  p: { runId: string; workspaceId: string; syncId: string; errors: RecordErrorInput[] },
  client?: DbClient,
): Promise<void> {
  if (p.errors.length === 0) return;
  const db = await clientOr(client);
  for (let start = 0; start < p.errors.length; start += INSERT_CHUNK) {
    await db.syncRecordError.createMany({
      data: p.errors.slice(start, start + INSERT_CHUNK).map((e) => ({
        workspaceId: p.workspaceId,
        runId: p.runId,
        syncId: p.syncId,
        kind: e.kind,
        recordKey: e.recordKey,
        field: e.field ? redactKnownSecrets(e.field) : null,
        reason: truncate(redactKnownSecrets(e.reason), MAX_REASON),
        reasonGroup: truncate(groupReason(redactKnownSecrets(e.reason)), MAX_REASON),
        code: e.code ? redactKnownSecrets(e.code) : null,
        rowNumber: e.rowNumber ?? null,
        rowValues: e.rowValues ? truncate(redactKnownSecrets(e.rowValues), MAX_ROW_VALUES) : null,
      })),
    });
  }
}

/**
 * Cancels a run: a queued run is cancelled at once; a running one is flagged and stops at its next page.
 * Answers what happened, or null when the run is not active (or not in this workspace).
 */
export async function requestRunCancel(p: { runId: string; workspaceId: string }): Promise<"cancelled" | "requested" | null> {
  const db = await getDb();
  if (await transitionRun({ runId: p.runId, workspaceId: p.workspaceId, from: ["QUEUED"], to: "CANCELLED", data: { cancelRequested: true } })) {
    await appendRunLog(p.runId, "info", "cancel", "Cancelled before it started");
    return "cancelled";
  }
  const { count } = await db.syncRun.updateMany({
    where: { id: p.runId, workspaceId: p.workspaceId, status: "RUNNING" },
    data: { cancelRequested: true },
  });
  if (count === 0) return null;
  await appendRunLog(p.runId, "info", "cancel", "Cancel requested: the run stops after the page in progress");
  return "requested";
}

/** Cancels a queued or running run (a requested cancel reached, or Inngest cancelled the function). */
export async function cancelRun(runId: string, client?: DbClient): Promise<boolean> {
  const moved = await transitionRun({ runId, from: ["QUEUED", "RUNNING"], to: "CANCELLED", client });
  if (moved) await appendRunLog(runId, "info", "cancel", "Cancelled", client);
  return moved;
}

/** Marks a queued or running run FAILED with the reason. */
export async function failRun(p: { runId: string; error: unknown }): Promise<boolean> {
  const message = (p.error instanceof Error ? p.error.message : String(p.error)) || "The run failed without a message";
  const moved = await transitionRun({ runId: p.runId, from: ["QUEUED", "RUNNING"], to: "FAILED", data: { error: message } });
  if (moved) await appendRunLog(p.runId, "error", "fail", `Failed: ${message}`);
  return moved;
}

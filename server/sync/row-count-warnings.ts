/**
 * Row-count warnings: a model that suddenly returns nothing, or far fewer rows than last time, usually
 * means a broken upstream job or a filter gone wrong, not a real drop in customers. The run still
 * succeeds (the rows it read were synced), but it says so in its log, on its page and in
 * `SyncRun.warnings`, which alerts read.
 */
import { z } from "zod";
import { getDb } from "~/server/db/client";
import { SUCCEEDED_STATUSES } from "./run-status";

/** A run reading less than this share of the last successful run's rows is warned about. */
export const FEWER_ROWS_THRESHOLD = 0.5;

export const ZRunWarning = z.object({
  /** NO_ROWS: the model returned 0 rows. FEWER_ROWS: under FEWER_ROWS_THRESHOLD of the last successful run. */
  code: z.enum(["NO_ROWS", "FEWER_ROWS"]),
  message: z.string(),
  rowsRead: z.number().int(),
  previousRowsRead: z.number().int().nullable(),
  previousRunId: z.string().nullable(),
});
export type RunWarning = z.infer<typeof ZRunWarning>;

/** Warnings stored on a run, or [] (older runs and anything unreadable have none). */
export function parseRunWarnings(value: unknown): RunWarning[] {
  const parsed = z.array(ZRunWarning).safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** Compares one run's `read` with the sync's last successful run; answers the warnings to store (maybe none). */
export function compareRowCounts(read: number, previous: { id: string; rowsRead: number } | null): RunWarning[] {
  const base = { rowsRead: read, previousRowsRead: previous?.rowsRead ?? null, previousRunId: previous?.id ?? null };
  if (read === 0) {
    const since = previous && previous.rowsRead > 0 ? ` (the last successful run read ${previous.rowsRead.toLocaleString("en-US")})` : "";
    return [{ code: "NO_ROWS", message: `The model returned 0 rows${since}: check the source table or query.`, ...base }];
  }
  if (previous && read < previous.rowsRead * FEWER_ROWS_THRESHOLD) {
    // Rounded down, so a run just under the threshold never reads as "50%".
    const share = Math.floor((read / previous.rowsRead) * 100);
    return [
      {
        code: "FEWER_ROWS",
        message: `The model returned ${read.toLocaleString("en-US")} rows, ${share}% of the ${previous.rowsRead.toLocaleString("en-US")} the last successful run read: check the source table or query.`,
        ...base,
      },
    ];
  }
  return [];
}

/** The row-count warnings for a run that read `read` rows in total. */
export async function checkRowCount(p: { run: { id: string; syncId: string; workspaceId: string }; read: number }): Promise<RunWarning[]> {
  const db = await getDb();
  const previous = await db.syncRun.findFirst({
    where: { workspaceId: p.run.workspaceId, syncId: p.run.syncId, id: { not: p.run.id }, status: { in: [...SUCCEEDED_STATUSES] } },
    orderBy: { id: "desc" },
    select: { id: true, rowsRead: true },
  });
  return compareRowCounts(p.read, previous);
}

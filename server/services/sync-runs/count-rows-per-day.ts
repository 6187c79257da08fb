import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";

const MAX_DAYS = 90;

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new AppError("BAD_REQUEST", `Unknown time zone "${timeZone}"; use an IANA name such as Europe/London.`, { fieldErrors: { timeZone: "Unknown time zone" } });
  }
}

/**
 * Rows per day of the workspace's runs over the last `days` days, by the day the run started in
 * `timeZone` (the viewer's): sent (created + updated), invalid (not sent) and rejected (refused by the
 * destination), so the chart adds up to what the runs read and were asked to send.
 */
export async function countRowsPerDay(p: { workspaceId: string; days: number; timeZone: string }) {
  assertTimeZone(p.timeZone);
  const days = Math.min(Math.max(Math.trunc(p.days), 1), MAX_DAYS);
  const db = await getDb();
  // Timestamps are stored as UTC without a zone: read them as UTC, then as the viewer's local time.
  const rows = await db.$queryRaw<{ day: string; sent: bigint; invalid: bigint; rejected: bigint; runs: bigint }[]>`
    SELECT to_char(((COALESCE("startedAt", "queuedAt") AT TIME ZONE 'UTC') AT TIME ZONE ${p.timeZone})::date, 'YYYY-MM-DD') AS "day",
      SUM("rowsCreated" + "rowsUpdated")::bigint AS "sent", SUM("rowsInvalid")::bigint AS "invalid",
      SUM("rowsRejected")::bigint AS "rejected", COUNT(*)::bigint AS "runs"
    FROM "SyncRun"
    WHERE "workspaceId" = ${p.workspaceId} AND "queuedAt" >= (NOW() AT TIME ZONE 'UTC') - make_interval(days => ${days + 1}::int)
    GROUP BY 1`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: p.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const end = new Date(`${today}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(end.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, sent: Number(row?.sent ?? 0), invalid: Number(row?.invalid ?? 0), rejected: Number(row?.rejected ?? 0), runs: Number(row?.runs ?? 0) };
  });
}

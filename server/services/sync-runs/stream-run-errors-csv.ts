import { stringify } from "csv-stringify/sync";
import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { buildRunErrorWhere, type RunErrorFilter } from "./run-error-filter";

/** Rows fetched per query: the stream holds one page at a time, whatever the run's error count. */
const PAGE_ROWS = 2000;
const COLUMNS = ["kind", "record_key", "row_number", "row_values", "field", "reason", "destination_code", "created_at"];

/**
 * A run's record errors (narrowed like the table) as CSV, one line per error in id order. The stream
 * pages through the database by id (keyset) as the client reads, so memory stays flat at 1M errors.
 * Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading
 * apostrophe: keys, reasons and values come from the source and the destination, not from us.
 */
export async function streamRunErrorsCsv(p: { workspaceId: string; runId: string } & RunErrorFilter): Promise<{ fileName: string; stream: ReadableStream<Uint8Array> }> {
  const db = await getDb();
  const run = await db.syncRun.findFirst({ where: { id: p.runId, workspaceId: p.workspaceId }, select: { id: true } });
  if (!run) throw notFound("Run");
  const where = buildRunErrorWhere(p);
  const encoder = new TextEncoder();
  let after: bigint | null = null;
  let header = true;

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const rows = await db.syncRecordError.findMany({
          where: after === null ? where : { ...where, id: { gt: after } },
          orderBy: { id: "asc" },
          take: PAGE_ROWS,
        });
        const text = stringify(
          rows.map((r) => [
            r.kind === "INVALID" ? "invalid" : "rejected",
            r.recordKey ?? "",
            r.rowNumber ?? "",
            r.rowValues ?? "",
            r.field ?? "",
            r.reason,
            r.code ?? "",
            r.createdAt.toISOString(),
          ]),
          { header, columns: COLUMNS, escape_formulas: true },
        );
        header = false;
        if (text) controller.enqueue(encoder.encode(text));
        const last = rows.at(-1);
        if (rows.length < PAGE_ROWS || !last) controller.close();
        else after = last.id;
      },
    },
    { highWaterMark: 1 },
  );
  return { fileName: `run-${run.id}-record-errors.csv`, stream };
}

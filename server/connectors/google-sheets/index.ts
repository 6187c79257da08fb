/**
 * Google Sheets source: one sheet read as one table. The first row is the header, column types are
 * inferred from the values, and keyset pages are cut in memory (sheets are small; each call reads
 * the sheet once). Authentication is a service account the sheet is shared with.
 */
import { z } from "zod";
import { SourceQueryError } from "../errors";
import type { ModelQuery, SourceCatalog, SourceConnector } from "../types";
import { parseServiceAccountJson, serviceAccountJsonField, type ServiceAccount } from "./service-account";
import { buildSheetTable, selectKeysetPage, selectNullKeyRows, type SheetTable } from "./sheet-table";
import { fetchSheetValues, fetchSpreadsheet, resolveSheetRange, type SheetRange, type SpreadsheetInfo } from "./sheets-api";

const SPREADSHEET_URL_ID = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/;
const BARE_SPREADSHEET_ID = /^[A-Za-z0-9_-]{25,}$/;

/** The spreadsheet id inside a Google Sheets URL (…/spreadsheets/d/<id>/edit), or a pasted bare id. */
export function extractSpreadsheetId(url: string): string | null {
  const trimmed = url.trim();
  return SPREADSHEET_URL_ID.exec(trimmed)?.[1] ?? (BARE_SPREADSHEET_ID.test(trimmed) ? trimmed : null);
}

const MISSING_ID_MESSAGE =
  "This is not a Google Sheets URL: open the spreadsheet and copy the address from the browser, like https://docs.google.com/spreadsheets/d/<id>/edit.";

const configSchema = z.object({
  spreadsheetUrl: z
    .string({ error: "Paste the spreadsheet's URL." })
    .trim()
    .min(1, "Paste the spreadsheet's URL.")
    .refine((url) => extractSpreadsheetId(url) !== null, MISSING_ID_MESSAGE)
    .meta({
      label: "Spreadsheet URL",
      help: "The address of the spreadsheet in your browser.",
      placeholder: "https://docs.google.com/spreadsheets/d/1AbC…/edit",
    }),
  range: z
    .string()
    .trim()
    .optional()
    .meta({
      label: "Sheet or range",
      help: "Optional: a sheet name (Customers) or an A1 range (Customers!A1:F). The first sheet is read when empty; its first row must hold the column names.",
      placeholder: "Sheet1",
    }),
  serviceAccountJson: serviceAccountJsonField(
    "Create a service account key (JSON) in Google Cloud and share the sheet with its client_email",
  ),
});

export type GoogleSheetsConfig = z.infer<typeof configSchema>;

type Connection = { account: ServiceAccount; spreadsheetId: string };

function openConnection(config: GoogleSheetsConfig): Connection {
  const spreadsheetId = extractSpreadsheetId(config.spreadsheetUrl ?? "");
  if (!spreadsheetId) throw new SourceQueryError(MISSING_ID_MESSAGE);
  const parsed = parseServiceAccountJson(config.serviceAccountJson ?? "");
  if (!parsed.ok) throw new SourceQueryError(parsed.message);
  return { account: parsed.account, spreadsheetId };
}

function schemaName(spreadsheet: SpreadsheetInfo): string {
  return spreadsheet.title.trim() || "sheet";
}

function requireTableModel(model: ModelQuery): string {
  if (model.type !== "table") {
    throw new SourceQueryError(
      "Google Sheets sources do not run SQL: choose the sheet as a table model, and filter or reshape the data in the sheet itself.",
    );
  }
  return model.table;
}

async function readTable(p: {
  config: GoogleSheetsConfig;
  table?: string;
  signal?: AbortSignal;
}): Promise<{ spreadsheet: SpreadsheetInfo; range: SheetRange; table: SheetTable }> {
  const connection = openConnection(p.config);
  const spreadsheet = await fetchSpreadsheet({ ...connection, signal: p.signal });
  const range = resolveSheetRange({ spreadsheet, range: p.config.range, table: p.table });
  const values = await fetchSheetValues({ ...connection, range, signal: p.signal });
  const table = buildSheetTable({ sheetTitle: range.sheetTitle, values, firstColumn: range.firstColumn, firstRow: range.firstRow });
  return { spreadsheet, range, table };
}

async function readModel(p: { config: GoogleSheetsConfig; model: ModelQuery; signal?: AbortSignal }): Promise<SheetTable> {
  const tableName = requireTableModel(p.model);
  return (await readTable({ config: p.config, table: tableName, signal: p.signal })).table;
}

export const googleSheetsConnector = {
  id: "google-sheets",
  kind: "source",
  label: "Google Sheets",
  description: "Read one sheet of a Google spreadsheet as a table, through a service account the sheet is shared with.",
  verified: true,
  configSchema,

  async check({ config, signal }) {
    try {
      const { spreadsheet, range, table } = await readTable({ config, signal });
      return {
        ok: true,
        message: `Connected to spreadsheet "${spreadsheet.title}": sheet "${range.sheetTitle}" has ${table.columns.length} columns and ${table.rows.length} rows.`,
      };
    } catch (error) {
      if (error instanceof SourceQueryError) return { ok: false, message: error.message };
      return { ok: false, message: "Could not read the spreadsheet: an unexpected error occurred." };
    }
  },

  async discover({ config, signal }): Promise<SourceCatalog> {
    const { spreadsheet, range, table } = await readTable({ config, signal });
    const schema = schemaName(spreadsheet);
    return { schemas: [{ name: schema, tables: [{ schema, name: range.sheetTitle, columns: table.columns }] }] };
  },

  async describeModel({ config, model, signal }) {
    return (await readModel({ config, model, signal })).columns;
  },

  async preview({ config, model, limit, signal }) {
    const table = await readModel({ config, model, signal });
    return { columns: table.columns, rows: table.rows.slice(0, Math.max(0, limit)) };
  },

  async countRows({ config, model, signal }) {
    return (await readModel({ config, model, signal })).rows.length;
  },

  async readPage({ config, model, keyColumn, after, since, limit, signal }) {
    const table = await readModel({ config, model, signal });
    return selectKeysetPage({ table, keyColumn, after, since, limit });
  },

  async readNullKeyRows({ config, model, keyColumn, limit, signal }) {
    const table = await readModel({ config, model, signal });
    return selectNullKeyRows({ table, keyColumn, limit });
  },
} satisfies SourceConnector<GoogleSheetsConfig>;

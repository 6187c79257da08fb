/**
 * Turns the cells of one sheet (as the Sheets API returns them) into a table: the first row names the
 * columns, each column's type is inferred from its values, and cells become typed row values.
 */
import { SourceQueryError } from "../errors";
import type { ColumnType, Row, SourceColumn } from "../types";

/** A cell as the values API returns it with UNFORMATTED_VALUE: numbers and booleans arrive as JSON values. */
export type Cell = string | number | boolean | null | undefined;

export type SheetTable = { columns: SourceColumn[]; rows: Row[] };

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN_TEXT = /^(true|false)$/i;
const ISO_DATE_TEXT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const NATIVE_TYPES: Record<Exclude<ColumnType, "json" | "unknown">, string> = {
  string: "TEXT",
  number: "NUMBER",
  boolean: "BOOLEAN",
  date: "DATE",
};

/** Zero-based column index → sheet column letters (0 → A, 26 → AA). */
export function toColumnLetters(index: number): string {
  let n = index + 1;
  let letters = "";
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Sheet column letters → zero-based index (A → 0). */
export function parseColumnLetters(letters: string): number {
  let index = 0;
  for (const ch of letters.toUpperCase()) index = index * 26 + (ch.charCodeAt(0) - 64);
  return index - 1;
}

function isBlank(cell: Cell): boolean {
  return cell === null || cell === undefined || (typeof cell === "string" && cell.trim() === "");
}

/** Zone-less ISO timestamps are read as UTC so a value means the same instant on every server. */
function parseIsoDate(text: string): Date | null {
  if (!ISO_DATE_TEXT.test(text)) return null;
  const normalized = text.replace(" ", "T");
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalized) && normalized.includes("T");
  const date = new Date(hasZone || !normalized.includes("T") ? normalized : `${normalized}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isNumberCell(cell: Cell): boolean {
  return (typeof cell === "number" && Number.isFinite(cell)) || (typeof cell === "string" && NUMBER_TEXT.test(cell.trim()));
}

function isBooleanCell(cell: Cell): boolean {
  return typeof cell === "boolean" || (typeof cell === "string" && BOOLEAN_TEXT.test(cell.trim()));
}

function isDateCell(cell: Cell): boolean {
  return typeof cell === "string" && parseIsoDate(cell.trim()) !== null;
}

/** The one type every non-blank value of a column agrees on; mixed or empty columns are text. */
export function inferColumnType(cells: Cell[]): Exclude<ColumnType, "json" | "unknown"> {
  const values = cells.filter((c) => !isBlank(c));
  if (values.length === 0) return "string";
  if (values.every(isNumberCell)) return "number";
  if (values.every(isBooleanCell)) return "boolean";
  if (values.every(isDateCell)) return "date";
  return "string";
}

/** A cell as a row value of a column of `type`; blank cells are null. */
export function convertCell(cell: Cell, type: ColumnType): unknown {
  if (isBlank(cell)) return null;
  const text = typeof cell === "string" ? cell.trim() : cell;
  switch (type) {
    case "number":
      return typeof text === "number" ? text : Number(text);
    case "boolean":
      return typeof text === "boolean" ? text : String(text).toLowerCase() === "true";
    case "date":
      return parseIsoDate(String(text));
    default:
      if (typeof cell === "boolean") return cell ? "TRUE" : "FALSE";
      return String(cell);
  }
}

/**
 * Builds the table of one sheet. `firstColumn` is the zero-based column the cells start at (the range
 * may start after column A) so problems name the column letter the user sees.
 */
export function buildSheetTable(p: { sheetTitle: string; values: Cell[][]; firstColumn?: number; firstRow?: number }): SheetTable {
  const firstColumn = p.firstColumn ?? 0;
  const headerRow = p.firstRow ?? 1;
  const header = p.values[0] ?? [];
  const width = Math.max(0, ...p.values.map((row) => row.length));
  if (width === 0) {
    throw new SourceQueryError(
      `Sheet "${p.sheetTitle}" is empty: its first row must hold the column names, with one row of data per record below.`,
    );
  }
  const dataRows = p.values.slice(1).filter((row) => row.some((cell) => !isBlank(cell)));
  const kept: { name: string; index: number }[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < width; i++) {
    const cell = header[i];
    const letter = toColumnLetters(firstColumn + i);
    if (isBlank(cell)) {
      // An empty spacer column is fine; values without a name are not.
      if (dataRows.every((row) => isBlank(row[i]))) continue;
      throw new SourceQueryError(
        `Column ${letter} of sheet "${p.sheetTitle}" holds data but has no header: type a column name in cell ${letter}${headerRow}, or delete the column's values.`,
      );
    }
    const name = String(cell).trim();
    const previous = seen.get(name);
    if (previous !== undefined) {
      throw new SourceQueryError(
        `Columns ${toColumnLetters(firstColumn + previous)} and ${letter} of sheet "${p.sheetTitle}" are both named "${name}": column names must be unique.`,
      );
    }
    seen.set(name, i);
    kept.push({ name, index: i });
  }
  if (kept.length === 0) {
    throw new SourceQueryError(`Sheet "${p.sheetTitle}" has no column names: its first row must hold them.`);
  }
  const columns: SourceColumn[] = kept.map(({ name, index }) => {
    const type = inferColumnType(dataRows.map((row) => row[index]));
    return { name, type, nativeType: NATIVE_TYPES[type] };
  });
  const rows = dataRows.map((cells) =>
    Object.fromEntries(columns.map((column, i) => [column.name, convertCell(cells[kept[i]!.index], column.type)])),
  );
  return { columns, rows };
}

/** Orders keys like the column's type: numbers and dates by value, text by character code (no locale). */
function toSortable(value: unknown, type: ColumnType): number | string {
  if (type === "number") return typeof value === "number" ? value : Number(value);
  if (type === "date") return (value instanceof Date ? value : new Date(String(value))).getTime();
  if (type === "boolean") return value === true || String(value).toLowerCase() === "true" ? 1 : 0;
  return String(value);
}

function compareSortable(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Incremental reads: the sheet is read whole anyway, so rows at or before `since` are dropped in memory. */
function filterSince(table: SheetTable, since: { column: string; value: unknown } | undefined): Row[] {
  if (!since) return table.rows;
  const column = table.columns.find((c) => c.name === since.column);
  if (!column) throw new SourceQueryError(missingColumnMessage(since.column, table));
  const start = toSortable(since.value, column.type);
  return table.rows.filter((row) => {
    const value = row[since.column];
    return value !== null && value !== undefined && compareSortable(toSortable(value, column.type), start) > 0;
  });
}

/**
 * One keyset page of a sheet's rows: non-null keys ascending, starting at `after` inclusive. `after`
 * may come back as a string after a round-trip through JSON, so it is compared with the column's type.
 */
export function selectKeysetPage(p: { table: SheetTable; keyColumn: string; after?: unknown; since?: { column: string; value: unknown }; limit: number }): Row[] {
  const column = p.table.columns.find((c) => c.name === p.keyColumn);
  if (!column) throw new SourceQueryError(missingColumnMessage(p.keyColumn, p.table));
  const keyed = filterSince(p.table, p.since)
    .filter((row) => row[p.keyColumn] !== null && row[p.keyColumn] !== undefined)
    .map((row) => ({ row, sortKey: toSortable(row[p.keyColumn], column.type) }))
    .sort((a, b) => compareSortable(a.sortKey, b.sortKey));
  const start = p.after === undefined || p.after === null ? undefined : toSortable(p.after, column.type);
  const from = start === undefined ? keyed : keyed.filter((entry) => compareSortable(entry.sortKey, start) >= 0);
  return from.slice(0, Math.max(0, p.limit)).map((entry) => entry.row);
}

/** Rows whose key cell is blank, up to `limit`, and how many there are. */
export function selectNullKeyRows(p: { table: SheetTable; keyColumn: string; limit: number }): { rows: Row[]; total: number } {
  if (!p.table.columns.some((c) => c.name === p.keyColumn)) throw new SourceQueryError(missingColumnMessage(p.keyColumn, p.table));
  const rows = p.table.rows.filter((row) => row[p.keyColumn] === null || row[p.keyColumn] === undefined);
  return { rows: rows.slice(0, Math.max(0, p.limit)), total: rows.length };
}

function missingColumnMessage(name: string, table: SheetTable): string {
  return `Column "${name}" is not in the sheet's header row; its columns are: ${table.columns.map((c) => c.name).join(", ")}.`;
}

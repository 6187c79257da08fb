import { ReadOnlyViolationError } from "./errors";

/**
 * Refuses anything but one SELECT/WITH statement. This is the friendly first line; the real guard is
 * the read-only transaction each SQL source opens, which the database itself enforces.
 */
export function assertReadOnlySql(sql: string): string {
  const stripped = sql
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .trim()
    .replace(/;\s*$/, "");
  if (!stripped) throw new ReadOnlyViolationError("The query is empty: write one SELECT or WITH statement.");
  const withoutStrings = stripped.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
  if (withoutStrings.includes(";")) {
    throw new ReadOnlyViolationError("Only one statement is allowed: remove the extra statements after the first ';'.");
  }
  const first = /^\(*\s*([a-z]+)/i.exec(stripped)?.[1]?.toLowerCase();
  if (first !== "select" && first !== "with") {
    throw new ReadOnlyViolationError(
      `Models are read-only: only SELECT or WITH queries are allowed, and this one starts with ${first ? first.toUpperCase() : "something else"}.`,
    );
  }
  if (first === "with" && /\b(insert|update|delete|merge|truncate|drop|alter|create)\b/i.test(withoutStrings)) {
    throw new ReadOnlyViolationError("Models are read-only: a WITH query may not contain INSERT, UPDATE, DELETE or DDL.");
  }
  return stripped;
}

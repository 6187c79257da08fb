import { ReadOnlyViolationError } from "./errors";

/**
 * Removes comments, leaving string literals and quoted identifiers intact (`'--x'` is data, not a
 * comment). Returns the text without comments and a copy with literals blanked for keyword checks.
 */
function scanSql(sql: string): { text: string; code: string } {
  let text = "";
  let code = "";
  for (let i = 0; i < sql.length; ) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      text += " ";
      code += " ";
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
      text += " ";
      code += " ";
    } else if (ch === "'" || ch === '"' || ch === "`") {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch && sql[j + 1] === ch) j += 2;
        else if (sql[j] === ch) break;
        else j++;
      }
      text += sql.slice(i, j + 1);
      code += `${ch}${ch}`;
      i = j + 1;
    } else {
      text += ch;
      code += ch;
      i++;
    }
  }
  return { text: text.trim(), code: code.trim() };
}

/**
 * Refuses anything but one SELECT/WITH statement. This is the friendly first line; the real guard is
 * the read-only transaction each SQL source opens, which the database itself enforces.
 */
export function assertReadOnlySql(sql: string): string {
  const { text, code } = scanSql(sql);
  const stripped = text.replace(/;\s*$/, "");
  const codeOnly = code.replace(/;\s*$/, "");
  if (!stripped) throw new ReadOnlyViolationError("The query is empty: write one SELECT or WITH statement.");
  if (codeOnly.includes(";")) {
    throw new ReadOnlyViolationError("Only one statement is allowed: remove the extra statements after the first ';'.");
  }
  const first = /^\(*\s*([a-z]+)/i.exec(codeOnly)?.[1]?.toLowerCase();
  if (first !== "select" && first !== "with") {
    throw new ReadOnlyViolationError(
      `Models are read-only: only SELECT or WITH queries are allowed, and this one starts with ${first ? first.toUpperCase() : "something else"}.`,
    );
  }
  if (first === "with" && /\b(insert|update|delete|merge|truncate|drop|alter|create)\b/i.test(codeOnly)) {
    throw new ReadOnlyViolationError("Models are read-only: a WITH query may not contain INSERT, UPDATE, DELETE or DDL.");
  }
  return stripped;
}

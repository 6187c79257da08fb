import type { ColumnType } from "../types";

/**
 * Maps a PostgreSQL type, as `format_type()` spells it (of the base type for domains), to a logical
 * column type. By name rather than by `pg_type.typcategory`, which Redshift does not have.
 */
export function mapPostgresType(nativeType: string, typtype: string): ColumnType {
  const name = nativeType.replace(/\(.*?\)/g, "").trim();
  if (name.endsWith("[]") || name === "json" || name === "jsonb") return "json";
  if (typtype === "e") return "string";
  if (name === "boolean") return "boolean";
  if (["smallint", "integer", "bigint", "numeric", "real", "double precision", "oid"].includes(name)) return "number";
  if (name === "date" || name.startsWith("timestamp")) return "date";
  if (
    name.startsWith("character") ||
    name.startsWith("time") ||
    ["text", "varchar", "\"char\"", "name", "citext", "uuid", "inet", "cidr", "macaddr", "interval", "money", "xml", "bit", "bit varying"].includes(name)
  ) {
    return "string";
  }
  return "unknown";
}

import type { FieldPacket } from "mysql2/promise";
import type { ColumnType } from "../types";

/** Protocol type codes (MYSQL_TYPE_*) as the names information_schema uses, so both paths map alike. */
const TYPE_NAMES: Record<number, string> = {
  0: "decimal",
  1: "tinyint",
  2: "smallint",
  3: "int",
  4: "float",
  5: "double",
  6: "null",
  7: "timestamp",
  8: "bigint",
  9: "mediumint",
  10: "date",
  11: "time",
  12: "datetime",
  13: "year",
  14: "date",
  15: "varchar",
  16: "bit",
  245: "json",
  246: "decimal",
  247: "enum",
  248: "set",
  249: "tinytext",
  250: "mediumtext",
  251: "longtext",
  252: "text",
  253: "varchar",
  254: "char",
  255: "geometry",
};

const BINARY_CHARSET = 63;

/** The native type of a result column, e.g. "int", "tinyint(1)", "varbinary". */
export function readFieldType(field: FieldPacket): string {
  const code = field.columnType ?? field.type ?? -1;
  if (field.extendedFormat === "json") return "json";
  if (field.extendedTypeName) return field.extendedTypeName;
  const name = TYPE_NAMES[code] ?? `type ${code}`;
  if (name === "tinyint" && field.columnLength === 1) return "tinyint(1)";
  if (field.characterSet === BINARY_CHARSET && /char|text/.test(name)) return name.replace(/char|text/, (m) => (m === "char" ? "binary" : "blob"));
  return name;
}

/** Maps a native type (information_schema COLUMN_TYPE or readFieldType) to a logical column type. */
export function mapMysqlType(nativeType: string): ColumnType {
  const type = nativeType.toLowerCase();
  // tinyint(1) is how MySQL spells BOOLEAN.
  if (/^tinyint\(1\)/.test(type)) return "boolean";
  const name = type.replace(/\(.*$/, "").replace(/ unsigned| zerofill| signed/g, "").trim();
  if (["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "real", "year"].includes(name)) {
    return "number";
  }
  if (["date", "datetime", "timestamp"].includes(name)) return "date";
  if (name === "json") return "json";
  if (/^(var)?char$|text$|^enum$|^set$|^time$|^uuid$|^inet[46]$/.test(name)) return "string";
  return "unknown";
}

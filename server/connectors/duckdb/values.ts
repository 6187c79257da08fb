import type { DuckDBType, DuckDBValue, DuckDBValueConverter, JS } from "@duckdb/node-api";
import type { ColumnType } from "../types";
import { type DuckdbDriver, loadDuckdb } from "./session";

function toPlainNumber(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/**
 * DuckDB values as plain JavaScript the engine and JSON can carry: integers as numbers while exact
 * (beyond 2^53 as strings), decimals as numbers, timestamps and dates as Date, times and intervals as
 * their SQL text; lists and structs recurse.
 */
function createValueConverter({ DuckDBTypeId, JSDuckDBValueConverter }: DuckdbDriver): DuckDBValueConverter<unknown> {
  return (value: DuckDBValue, type: DuckDBType, converter) => {
    if (value === null) return null;
    switch (type.typeId) {
      case DuckDBTypeId.BIGINT:
      case DuckDBTypeId.UBIGINT:
      case DuckDBTypeId.HUGEINT:
      case DuckDBTypeId.UHUGEINT:
      case DuckDBTypeId.BIGNUM:
        return typeof value === "bigint" ? toPlainNumber(value) : value;
      case DuckDBTypeId.TIME:
      case DuckDBTypeId.TIME_NS:
      case DuckDBTypeId.TIME_TZ:
      case DuckDBTypeId.INTERVAL:
      case DuckDBTypeId.UUID:
        return String(value);
      default:
        return JSDuckDBValueConverter(value, type, converter as unknown as DuckDBValueConverter<JS>);
    }
  };
}

let valueConverter: Promise<DuckDBValueConverter<unknown>> | undefined;

/** The converter, once the driver it builds on is loaded (see loadDuckdb). */
export function loadValueConverter(): Promise<DuckDBValueConverter<unknown>> {
  valueConverter ??= loadDuckdb().then(createValueConverter);
  return valueConverter;
}

/** Maps a DuckDB type name (information_schema data_type or DuckDBType#toString) to a logical type. */
export function mapDuckdbType(nativeType: string): ColumnType {
  const type = nativeType.toUpperCase();
  if (/\[\d*\]$/.test(type) || /^(STRUCT|MAP|UNION|JSON)\b/.test(type)) return "json";
  if (type === "BOOLEAN") return "boolean";
  if (/^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|BIGNUM|VARINT)\b/.test(type)) return "number";
  if (/^(DATE|TIMESTAMP)/.test(type)) return "date";
  if (/^(VARCHAR|ENUM|UUID|TIME|INTERVAL)\b/.test(type)) return "string";
  return "unknown";
}

import { describe, expect, it } from "vitest";
import { isTransientDuckdbMessage, isTransientHttpStatus, isTransientMysqlErrno, isTransientNetworkCode, isTransientSqlState } from "./transient-errors";

describe("transient connector errors", () => {
  it("PostgreSQL: connection, rollback, resource and timeout states are transient; query, privilege and login errors are not", () => {
    for (const state of ["08006", "08001", "40001", "40P01", "53300", "53200", "58030", "57014", "57P01", "57P03"]) expect(isTransientSqlState(state), state).toBe(true);
    for (const state of ["42P01", "42601", "42703", "42501", "28P01", "28000", "3D000", "22P02", "XX000", "57P04", undefined, "", "42"]) {
      expect(isTransientSqlState(state), String(state)).toBe(false);
    }
  });

  it("MySQL: lost connections, deadlocks and time limits are transient; access denied, no such table and syntax are not", () => {
    for (const errno of [1040, 1205, 1213, 2006, 2013, 3024, 1969]) expect(isTransientMysqlErrno(errno), String(errno)).toBe(true);
    for (const errno of [1045, 1044, 1049, 1146, 1054, 1064, undefined]) expect(isTransientMysqlErrno(errno), String(errno)).toBe(false);
  });

  it("DuckDB: a writer's lock is transient; catalog, parser and binder errors are not", () => {
    expect(isTransientDuckdbMessage("IO Error: Could not set lock on file \"/x.duckdb\": Conflicting lock is held")).toBe(true);
    expect(isTransientDuckdbMessage("Catalog Error: Table with name users does not exist!")).toBe(false);
    expect(isTransientDuckdbMessage('Parser Error: syntax error at or near "SELEC"')).toBe(false);
    expect(isTransientDuckdbMessage('Binder Error: Referenced column "x" not found')).toBe(false);
  });

  it("HTTP: 408, 429 and 5xx are transient; every other 4xx is permanent", () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isTransientHttpStatus(status), String(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413, 422, undefined]) expect(isTransientHttpStatus(status), String(status)).toBe(false);
  });

  it("network: refused, reset and timed-out connections are transient; a host name that does not resolve is not", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"]) expect(isTransientNetworkCode(code)).toBe(true);
    for (const code of ["ENOTFOUND", "EACCES", undefined]) expect(isTransientNetworkCode(code)).toBe(false);
  });
});

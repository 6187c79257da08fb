/**
 * Which connector errors are transient: the one table the run's retry decision rests on. Connectors set
 * `transient` (SourceQueryError) or `retryable` (DestinationRequestError) from these at their boundary,
 * where the driver's own code is still known; everything not listed here is permanent, so a missing
 * table, a syntax error or a revoked credential fails the run at once with the system's own message.
 */

/** Socket errors worth another try. ENOTFOUND is not: a host name that does not resolve is a typo until proven otherwise. */
const TRANSIENT_NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ECONNABORTED"]);

export function isTransientNetworkCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/**
 * PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html): 08
 * connection exception, 40 transaction rollback (serialization failure, deadlock), 53 insufficient
 * resources (too many connections, out of memory, disk full), 58 system error (I/O). Plus 57014 (the
 * statement timeout: a loaded server may answer next time) and 57P01–57P03 (the server is shutting
 * down or starting up). Everything else — 42 syntax error or access rule violation (42P01 undefined
 * table, 42601 syntax error, 42501 insufficient privilege), 28 invalid authorization, 3D000 — is permanent.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(["08", "40", "53", "58"]);
const TRANSIENT_SQLSTATES = new Set(["57014", "57P01", "57P02", "57P03"]);

export function isTransientSqlState(sqlstate: string | undefined): boolean {
  if (!sqlstate || sqlstate.length !== 5) return false;
  return TRANSIENT_SQLSTATES.has(sqlstate) || TRANSIENT_SQLSTATE_CLASSES.has(sqlstate.slice(0, 2));
}

/**
 * MySQL/MariaDB server and client error numbers worth another try: 1040 too many connections, 1053
 * server shutdown, 1205 lock wait timeout, 1213 deadlock, 1317 query interrupted, 1969/3024 statement
 * time limit, 2002/2003 cannot connect, 2006 server gone away, 2013 lost connection. 1045 access
 * denied, 1049 unknown database, 1146 no such table, 1064 syntax error and the rest are permanent.
 */
const TRANSIENT_MYSQL_ERRNOS = new Set([1040, 1053, 1205, 1213, 1317, 1969, 3024, 2002, 2003, 2006, 2013]);

export function isTransientMysqlErrno(errno: number | undefined): boolean {
  return errno !== undefined && TRANSIENT_MYSQL_ERRNOS.has(errno);
}

/**
 * DuckDB reports errors as "<Type> Error: …". A lock held by a writer and an interrupted query may
 * clear up; Catalog (missing table or column), Parser, Binder, Conversion and the rest will not.
 */
export function isTransientDuckdbMessage(message: string): boolean {
  return /^(IO Error: Could not set lock|INTERRUPT Error)/i.test(message);
}

/** HTTP: 408 request timeout, 429 too many requests and 5xx are worth another try; any other 4xx is permanent. */
export function isTransientHttpStatus(status: number | undefined): boolean {
  return status !== undefined && (status === 408 || status === 429 || status >= 500);
}

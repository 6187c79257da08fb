import { SourceQueryError } from "./errors";
import { isTransientNetworkCode } from "./transient-errors";

/** Why a connection failed, in words, for the socket error codes Node's drivers report. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (is the server running and listening on this port?)",
  ENOTFOUND: "the host name could not be resolved",
  EAI_AGAIN: "the host name could not be resolved",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ECONNRESET: "the server closed the connection",
};

/** A "Could not connect to host:port: why" error when `code` is a network failure; null otherwise. */
export function toNetworkError(code: string | undefined, where: string, cause: unknown): SourceQueryError | null {
  const reason = code ? NETWORK_REASONS[code] : undefined;
  return reason ? new SourceQueryError(`Could not connect to ${where}: ${reason}.`, { code, transient: isTransientNetworkCode(code), cause }) : null;
}

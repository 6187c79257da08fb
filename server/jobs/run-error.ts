/**
 * Which run failures are worth retrying. Configuration and credential problems fail the run at once:
 * retrying would only repeat the same answer (and, for credentials, risk locking the account).
 */
import { DestinationRequestError, ReadOnlyViolationError } from "~/server/connectors/errors";
import { AppError } from "~/server/lib/errors";
import { SyncDefinitionError } from "~/server/sync/engine";

function isPermanentRequestError(error: DestinationRequestError): boolean {
  const status = error.options.status;
  return status === 401 || status === 403 || (!error.options.retryable && !error.options.batchRejected);
}

export function isPermanentRunError(error: unknown): boolean {
  if (error instanceof SyncDefinitionError || error instanceof ReadOnlyViolationError || error instanceof AppError) return true;
  if (error instanceof DestinationRequestError) return isPermanentRequestError(error);
  if (error instanceof Error && error.cause instanceof DestinationRequestError) return isPermanentRequestError(error.cause);
  return false;
}

export function describeRunError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)) || "The run failed without a message";
}

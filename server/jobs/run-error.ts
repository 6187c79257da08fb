/**
 * Which run failures are worth retrying. Configuration, query and credential problems fail the run at
 * once: retrying would only repeat the same answer (and, for credentials, risk locking the account).
 * Connectors classify their own errors (../connectors/transient-errors.ts); only an error they marked
 * transient, or one from outside any connector (the app's own database, a crash), is retried.
 */
import { DestinationRequestError, ReadOnlyViolationError, SourceQueryError } from "~/server/connectors/errors";
import { AppError } from "~/server/lib/errors";
import { SyncDefinitionError } from "~/server/sync/engine";

function isPermanentConnectorError(error: unknown): boolean | null {
  if (error instanceof SourceQueryError) return !error.options.transient;
  if (error instanceof DestinationRequestError) return !error.options.retryable && !error.options.batchRejected;
  return null;
}

export function isPermanentRunError(error: unknown): boolean {
  if (error instanceof SyncDefinitionError || error instanceof ReadOnlyViolationError || error instanceof AppError) return true;
  // A DeliveryError wraps the destination's request error as its cause.
  return isPermanentConnectorError(error) ?? (error instanceof Error ? isPermanentConnectorError(error.cause) : null) ?? false;
}

export function describeRunError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)) || "The run failed without a message";
}

/**
 * Errors connectors throw. Messages are shown to users as they are, so they must be specific and must
 * never contain a secret value.
 */

/** The source rejected a query or could not be reached; `message` carries the database's own words. */
export class SourceQueryError extends Error {
  override name = "SourceQueryError";
  constructor(
    message: string,
    readonly options: {
      code?: string;
      /** Worth retrying (a dropped connection, a deadlock, a timeout): set from ./transient-errors.ts; unset means permanent. */
      transient?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

/** A model that is not a single read-only SELECT/WITH statement. */
export class ReadOnlyViolationError extends Error {
  override name = "ReadOnlyViolationError";
}

/** A destination request failed as a whole (not per record). */
export class DestinationRequestError extends Error {
  override name = "DestinationRequestError";
  constructor(
    message: string,
    readonly options: {
      /** HTTP status, when there was a response. */
      status?: number;
      /** Worth retrying with backoff (408, 429, 5xx, network errors, timeouts: ./transient-errors.ts). */
      retryable: boolean;
      /** From a Retry-After header. */
      retryAfterMs?: number;
      /** The destination refused the batch's content as a whole (e.g. 400 on the body): split it to isolate bad records. */
      batchRejected?: boolean;
      code?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
  }
}

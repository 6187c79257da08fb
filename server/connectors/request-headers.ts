import { DestinationRequestError } from "./errors";

/**
 * A request's headers, checked before anything is sent. A credential with a line break or a
 * character beyond Latin-1 cannot travel in a header: fetch throws a TypeError that looks like a
 * network failure, and was retried six times as "Could not reach …". It is the connection's
 * configuration, so it fails at once, and the message never quotes the value.
 */
export function buildRequestHeaders(values: Record<string, string>, destination: string): Headers {
  try {
    return new Headers(values);
  } catch (error) {
    const names = Object.keys(values).filter((name) => {
      try {
        new Headers({ [name]: values[name]! });
        return false;
      } catch {
        return true;
      }
    });
    throw new DestinationRequestError(
      `The ${destination} credentials contain a character that cannot be sent in an HTTP header (${names.join(", ") || "a header"}: a line break, or a character outside Latin-1). Edit the connection and enter them again.`,
      { retryable: false, code: "invalid_header", cause: error },
    );
  }
}

/**
 * Domain errors. Services throw AppError; the tRPC error formatter and the REST layer map `code` to
 * their own status. Messages are shown to users as they are.
 */
export type AppErrorCode =
  /** Input is well-formed but wrong; `fieldErrors` says which field and why. */
  | "BAD_REQUEST"
  /** No session or API token. */
  | "UNAUTHORIZED"
  /** A member whose role lacks the permission. */
  | "FORBIDDEN"
  /** Missing, or in a workspace the caller does not belong to (existence is not leaked). */
  | "NOT_FOUND"
  /** The change clashes with the current state (name taken, connection in use, last admin). */
  | "CONFLICT"
  /** Rate limited (repeated failed sign-ins). */
  | "TOO_MANY_REQUESTS";

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { fieldErrors?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(message);
  }
}

export function notFound(what: string): AppError {
  return new AppError("NOT_FOUND", `${what} not found`);
}

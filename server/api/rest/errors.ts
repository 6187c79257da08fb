/**
 * The REST API's error envelope `{ "error": { "code", "message", "details" } }` and how domain errors
 * map to HTTP statuses. Unexpected errors are logged and answered without their message, which could
 * carry internals.
 */
import { z, ZodError } from "zod";
import { AppError, type AppErrorCode } from "~/server/lib/errors";
import { redactKnownSecretsDeep } from "~/server/connectors/redact-secrets";
import { logger } from "~/server/lib/logger";

const STATUS_BY_CODE: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

export const ZErrorEnvelope = z
  .object({
    error: z.object({
      // PAYLOAD_TOO_LARGE comes from server/api/body-limit.ts, before any handler runs.
      code: z.enum([...(Object.keys(STATUS_BY_CODE) as AppErrorCode[]), "PAYLOAD_TOO_LARGE", "INTERNAL"]),
      message: z.string().meta({ description: "What went wrong and what to change, fit to show to a person." }),
      details: z
        .object({
          fieldErrors: z
            .record(z.string(), z.string())
            .optional()
            .meta({ description: "One message per invalid field, keyed by its path in the request body (`config.region`, `mappings.0.to`)." }),
        })
        .catchall(z.unknown()),
    }),
  })
  .meta({ id: "Error" });

export type ErrorEnvelope = z.infer<typeof ZErrorEnvelope>;

export function errorResponse(code: AppErrorCode | "INTERNAL", message: string, details: Record<string, unknown> = {}): Response {
  const status = code === "INTERNAL" ? 500 : STATUS_BY_CODE[code];
  // Whatever a service let through, no secret this process decrypted leaves in an answer.
  const body: ErrorEnvelope = redactKnownSecretsDeep({ error: { code, message, details } });
  return Response.json(body, { status });
}

/** Field errors keyed by the issue's path, first message per field. */
export function toFieldErrors(error: ZodError, root: string): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) fieldErrors[issue.path.map(String).join(".") || root] ??= issue.message;
  return fieldErrors;
}

export function toErrorResponse(error: unknown, context: { method: string; path: string }): Response {
  if (error instanceof AppError) return errorResponse(error.code, error.message, error.details);
  if (error instanceof ZodError) {
    const fieldErrors = toFieldErrors(error, "body");
    const summary = Object.entries(fieldErrors)
      .map(([field, message]) => `${field}: ${message}`)
      .join("; ");
    return errorResponse("BAD_REQUEST", `The request is not valid: ${summary}`, { fieldErrors });
  }
  logger.error("REST request failed", { method: context.method, path: context.path, error });
  return errorResponse("INTERNAL", "The server could not complete the request; the error is in the server log.");
}

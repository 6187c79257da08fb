import type { AnyConnector } from "~/server/connectors/types";
import { AppError } from "~/server/lib/errors";

/** Validates a config against the connector's schema; a bad field becomes a field error with the schema's message. */
export function parseConnectionConfig(connector: AnyConnector, config: unknown): Record<string, unknown> {
  const result = connector.configSchema.safeParse(config);
  if (result.success) return result.data as Record<string, unknown>;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "config";
    fieldErrors[key] ??= issue.message;
  }
  const summary = Object.entries(fieldErrors)
    .map(([k, v]) => `${k}: ${v}`)
    .join("; ");
  throw new AppError("BAD_REQUEST", `The ${connector.label} settings are not valid — ${summary}`, { fieldErrors });
}

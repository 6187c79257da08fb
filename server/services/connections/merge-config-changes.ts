import { z } from "zod";
import { describeConfigFields } from "~/server/connectors/registry";
import type { AnyConnector } from "~/server/connectors/types";
import { AppError } from "~/server/lib/errors";

function keepsStoredSecret(value: unknown): boolean {
  return value === undefined || value === "" || (typeof value === "object" && value !== null && "set" in value);
}

/** The value a field would be saved as (trimmed, defaulted), so "5432" and 5432 or " db " and "db" compare equal. */
function normalizeField(schema: z.ZodType | undefined, value: unknown): unknown {
  const blank = value === undefined || value === null || value === "";
  const parsed = schema?.safeParse(blank ? undefined : value);
  const normal = parsed?.success ? parsed.data : value;
  return normal === undefined || normal === null || normal === "" ? undefined : normal;
}

/** Endpoint fields (`.meta({ endpoint: true })`) whose value the changes replace. */
function findChangedEndpoints(connector: AnyConnector, stored: Record<string, unknown>, changes: Record<string, unknown>) {
  const shape = (connector.configSchema as unknown as z.ZodObject<Record<string, z.ZodType>>).shape;
  return describeConfigFields(connector).filter((field) => {
    if (!field.endpoint || !(field.name in changes)) return false;
    const next = changes[field.name];
    if (field.secret && keepsStoredSecret(next)) return false;
    const schema = shape[field.name];
    // An invalid new value is refused by the config's own validation with its own message, and nothing moves.
    if (schema && !schema.safeParse(next === null || next === "" ? undefined : next).success) return false;
    return JSON.stringify(normalizeField(schema, next)) !== JSON.stringify(normalizeField(schema, stored[field.name]));
  });
}

/**
 * Applies edited fields over a stored config. Secret fields arrive from forms as undefined, empty or
 * `{ set: true }` when the user did not replace them: those keep the stored value — unless the changes
 * move an endpoint field (host, port, URL, account, region, TLS mode). Then no stored secret survives,
 * so it can never be sent to a host the user just typed: each one must come again in the same
 * changes (null removes an optional one), otherwise this throws a BAD_REQUEST naming them.
 */
export function mergeConfigChanges(connector: AnyConnector, stored: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const fields = describeConfigFields(connector);
  const secrets = fields.filter((f) => f.secret);
  const movedEndpoints = findChangedEndpoints(connector, stored, changes);
  const merged = { ...stored };
  if (movedEndpoints.length > 0) {
    for (const s of secrets) delete merged[s.name];
    const missing = secrets.filter((s) => {
      const hadValue = typeof stored[s.name] === "string" && stored[s.name] !== "";
      return hadValue && keepsStoredSecret(changes[s.name]) && changes[s.name] !== null;
    });
    if (missing.length > 0) {
      const moved = movedEndpoints.map((f) => f.label).join(", ");
      const fieldErrors = Object.fromEntries(missing.map((s) => [s.name, `Enter the ${s.label} again: the stored one is not sent to a new ${moved}.`]));
      throw new AppError(
        "BAD_REQUEST",
        `You changed ${moved}, so the stored ${missing.map((s) => s.label).join(" and ")} ${missing.length > 1 ? "are" : "is"} not sent there: enter ${missing.length > 1 ? "them" : "it"} again${missing.some((s) => !s.required) ? " (or remove an optional one)" : ""}.`,
        { fieldErrors, clearedSecrets: missing.map((s) => s.name) },
      );
    }
  }
  const secretNames = new Set(secrets.map((s) => s.name));
  for (const [k, v] of Object.entries(changes)) {
    if (secretNames.has(k) && keepsStoredSecret(v)) continue;
    if (v === undefined || v === null || v === "") delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

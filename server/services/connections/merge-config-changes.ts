import { secretFieldNames } from "~/server/connectors/registry";
import type { AnyConnector } from "~/server/connectors/types";

/**
 * Applies edited fields over a stored config. Secret fields arrive from forms as undefined, empty or
 * `{ set: true }` when the user did not replace them: those keep the stored value.
 */
export function mergeConfigChanges(connector: AnyConnector, stored: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const secrets = new Set(secretFieldNames(connector));
  const merged = { ...stored };
  for (const [k, v] of Object.entries(changes)) {
    const keepsSecret = secrets.has(k) && (v === undefined || v === "" || (typeof v === "object" && v !== null && "set" in v));
    if (keepsSecret) continue;
    if (v === undefined || v === null || v === "") delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

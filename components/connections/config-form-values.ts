import type { ConfigFieldView } from "./connection-types";

/** Form state of one config field: text inputs, selects and number inputs hold strings; checkboxes booleans. */
export type ConfigFormValue = string | boolean;
export type ConfigFormValues = Record<string, ConfigFormValue>;

/**
 * What happens to a stored secret on save: "keep" sends nothing (the server keeps the stored value),
 * "replace" sends what the user typed, "remove" clears an optional secret.
 */
export type SecretAction = "keep" | "replace" | "remove";

function isSetSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && "set" in value && (value as { set: unknown }).set === true;
}

/** Initial form values: the stored config when editing (secrets start empty), else the schema defaults. */
export function buildInitialConfigValues(fields: ConfigFieldView[], stored?: Record<string, unknown> | null): ConfigFormValues {
  const values: ConfigFormValues = {};
  for (const field of fields) {
    const raw = stored ? stored[field.name] : field.defaultValue;
    if (field.secret) values[field.name] = "";
    else if (field.type === "boolean") values[field.name] = raw === true;
    else values[field.name] = raw === undefined || raw === null ? "" : String(raw);
  }
  return values;
}

/** Secret fields that already hold a stored value (the server returns them as `{ set: true }`). */
export function findStoredSecrets(fields: ConfigFieldView[], stored: Record<string, unknown> | null | undefined): Set<string> {
  return new Set(fields.filter((f) => f.secret && stored && isSetSecret(stored[f.name])).map((f) => f.name));
}

function convertValue(field: ConfigFieldView, value: ConfigFormValue | undefined): unknown {
  if (field.type === "boolean") return value === true;
  if (typeof value !== "string") return undefined;
  const text = field.secret ? value : value.trim();
  if (text === "") return undefined;
  if (field.type === "number") {
    const n = Number(text);
    // A non-number goes to the server as typed, so its schema answers with the field's own message.
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

/**
 * The config to send. New connections send every filled field. Edits send non-secret fields as they
 * are (empty clears them) and secrets only when replaced or removed: `undefined` keeps the stored one.
 */
export function buildConfigPayload(fields: ConfigFieldView[], values: ConfigFormValues, secretActions?: Record<string, SecretAction>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of fields) {
    const action = secretActions?.[field.name];
    if (field.secret && action === "keep") continue;
    if (field.secret && action === "remove") {
      config[field.name] = null;
      continue;
    }
    const value = convertValue(field, values[field.name]);
    if (value !== undefined) config[field.name] = value;
    else if (secretActions && !field.secret) config[field.name] = "";
  }
  return config;
}

/**
 * Endpoint fields (host, port, URL, account, region, TLS mode) the user moved away from the stored
 * value. While any is moved, the server sends no stored secret anywhere: each must be typed again.
 */
export function findMovedEndpoints(
  fields: ConfigFieldView[],
  values: ConfigFormValues,
  baseline: ConfigFormValues,
  storedSecrets: Set<string>,
  secretActions: Record<string, SecretAction>,
): ConfigFieldView[] {
  return fields.filter((f) => {
    if (!f.endpoint) return false;
    if (storedSecrets.has(f.name)) return secretActions[f.name] === "replace" && values[f.name] !== "";
    const now = values[f.name];
    const before = baseline[f.name];
    return typeof now === "string" && typeof before === "string" ? now.trim() !== before.trim() : now !== before;
  });
}

/**
 * What to do with each stored secret when endpoints moved: send what was typed; an empty field sends
 * nothing, so the server asks for it again — unless the user chose "Remove" for it before.
 */
export function reentryActions(fields: ConfigFieldView[], values: ConfigFormValues, storedSecrets: Set<string>, secretActions: Record<string, SecretAction>): Record<string, SecretAction> {
  return Object.fromEntries(
    fields
      .filter((f) => storedSecrets.has(f.name))
      .map((f) => [f.name, values[f.name] === "" && secretActions[f.name] === "remove" ? "remove" : "replace"] as const),
  );
}

/** The whole connection form: its name and the generated config fields. */
export type ConnectionFormValues = { name: string; config: ConfigFormValues };

import "server-only";
import type { AnyConnector } from "~/server/connectors/types";
import { secretFieldNames } from "~/server/connectors/registry";
import { decryptSecret, encryptSecret } from "~/server/lib/crypto";

/** Splits a validated config into the part stored as JSON and the secret part stored encrypted. */
export function sealConfig(connector: AnyConnector, config: Record<string, unknown>): { plain: Record<string, unknown>; sealed: string | null } {
  const secretNames = new Set(secretFieldNames(connector));
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined) continue;
    (secretNames.has(k) ? secrets : plain)[k] = v;
  }
  return { plain, sealed: Object.keys(secrets).length ? encryptSecret(JSON.stringify(secrets)) : null };
}

export function openSecrets(sealed: string | null): Record<string, unknown> {
  return sealed ? (JSON.parse(decryptSecret(sealed)) as Record<string, unknown>) : {};
}

/** The full config, secrets included: only for handing to a connector on the server. */
export function openConfig(row: { config: unknown; secrets: string | null }): Record<string, unknown> {
  return { ...(row.config as Record<string, unknown>), ...openSecrets(row.secrets) };
}

/** What the browser and the API may see: secret fields read as set or not set, never their value. */
export function maskConfig(connector: AnyConnector, row: { config: unknown; secrets: string | null }): Record<string, unknown> {
  const secretNames = secretFieldNames(connector);
  const present = new Set(Object.keys(openSecrets(row.secrets)));
  return {
    ...(row.config as Record<string, unknown>),
    ...Object.fromEntries(secretNames.map((n) => [n, { set: present.has(n) }])),
  };
}

/** Removes every secret value from a message before it is shown or logged (a driver may echo one back). */
export function scrubSecrets(message: string, config: Record<string, unknown>, connector: AnyConnector): string {
  let out = message;
  for (const name of secretFieldNames(connector)) {
    const value = config[name];
    if (typeof value === "string" && value.length >= 4) out = out.split(value).join("[redacted]");
  }
  return out;
}

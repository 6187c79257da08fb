import "server-only";
import type { AnyConnector } from "~/server/connectors/types";
import { secretFieldNames } from "~/server/connectors/registry";
import { rememberSecrets } from "~/server/connectors/redact-secrets";
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
  rememberSecrets(Object.values(secrets), Object.values(plain));
  return { plain, sealed: Object.keys(secrets).length ? encryptSecret(JSON.stringify(secrets)) : null };
}

/**
 * The one place stored secrets are decrypted. Each decrypted value is remembered process-wide, so the
 * logger, the error formatters and the run-status writer scrub it from whatever they emit.
 */
export function openSecrets(sealed: string | null, plain: Record<string, unknown> = {}): Record<string, unknown> {
  if (!sealed) return {};
  const secrets = JSON.parse(decryptSecret(sealed)) as Record<string, unknown>;
  rememberSecrets(Object.values(secrets), Object.values(plain));
  return secrets;
}

/** The full config, secrets included: only for handing to a connector on the server. */
export function openConfig(row: { config: unknown; secrets: string | null }): Record<string, unknown> {
  const plain = row.config as Record<string, unknown>;
  return { ...plain, ...openSecrets(row.secrets, plain) };
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

import "server-only";
import { rememberSecrets } from "~/server/connectors/redact-secrets";
import type { AlertChannelKind } from "~/server/db/generated/client";
import { decryptSecret, encryptSecret } from "~/server/lib/crypto";
import type { OpenChannel } from "./deliver-alert";

type ChannelSecrets = { url: string; signingSecret?: string };

export function sealChannelSecrets(secrets: ChannelSecrets): string {
  return encryptSecret(JSON.stringify(secrets));
}

/** The channel with its URL and signing secret decrypted, for delivery only; the secrets join the redaction set. */
export function openChannel(row: { kind: AlertChannelKind; label: string; secrets: string | null }): OpenChannel {
  if (row.kind === "EMAIL") return { kind: "EMAIL", label: row.label, address: row.label };
  if (!row.secrets) throw new Error(`The ${row.kind.toLowerCase()} channel ${row.label} has no stored URL`);
  const secrets = JSON.parse(decryptSecret(row.secrets)) as ChannelSecrets;
  rememberSecrets([secrets.url, ...(secrets.signingSecret ? [secrets.signingSecret] : [])]);
  if (row.kind === "SLACK") return { kind: "SLACK", label: row.label, url: secrets.url };
  if (!secrets.signingSecret) throw new Error(`The webhook ${row.label} has no signing secret`);
  return { kind: "WEBHOOK", label: row.label, url: secrets.url, signingSecret: secrets.signingSecret };
}

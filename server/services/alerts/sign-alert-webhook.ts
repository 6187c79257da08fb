import { createHmac, randomBytes } from "node:crypto";

export const SIGNATURE_HEADER = "X-Tidewater-Signature";
export const TIMESTAMP_HEADER = "X-Tidewater-Timestamp";
const SECRET_PREFIX = "whsec_";

/** A new per-channel signing secret; shown once when the channel is added. */
export function createSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString("base64url")}`;
}

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the channel's secret. The timestamp (Unix seconds)
 * is signed with the body so a receiver can refuse replays older than a few minutes.
 */
export function signAlertWebhook(p: { secret: string; timestamp: number; body: string }): string {
  return `v1=${createHmac("sha256", p.secret).update(`${p.timestamp}.${p.body}`).digest("hex")}`;
}

/**
 * Sends one composed alert to one channel and answers the outcome; it never throws. Each request has a
 * timeout and a few attempts for transient failures (network, 429, 5xx). Redirects are never followed:
 * a webhook answers where it was configured, or the delivery fails. Slack and webhook requests connect
 * only to public addresses unless ALERT_WEBHOOK_ALLOW_PRIVATE is set: the check is on the address the
 * socket connects to, so no spelling of a URL and no DNS answer changed after saving reaches inside.
 */
import nodemailer from "nodemailer";
import { fetch, type Response } from "undici";
import { env } from "~/env.js";
import { redactKnownSecrets } from "~/server/connectors/redact-secrets";
import type { AlertChannelKind, AlertOutcome } from "~/server/db/generated/client";
import { logger } from "~/server/lib/logger";
import { createPublicOnlyDispatcher, NonPublicAddressError } from "~/server/lib/public-addresses";
import { describePrivateAddress } from "./alert-webhook-url";
import type { ComposedAlert } from "./compose-alert";
import { SIGNATURE_HEADER, signAlertWebhook, TIMESTAMP_HEADER } from "./sign-alert-webhook";

export type OpenChannel =
  | { kind: Extract<AlertChannelKind, "EMAIL">; label: string; address: string }
  | { kind: Extract<AlertChannelKind, "SLACK">; label: string; url: string }
  | { kind: Extract<AlertChannelKind, "WEBHOOK">; label: string; url: string; signingSecret: string };

export type MailSettings = { smtpUrl: string | undefined; from: string };

export type DeliveryResult = { outcome: AlertOutcome; error: string | null };

export const ALERT_REQUEST_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;
const BACKOFF_MS = 1_000;
const MAX_ERROR = 500;

class TransientError extends Error {}

/** One for the process: it keeps connections to a webhook host open between deliveries. */
let publicOnly: ReturnType<typeof createPublicOnlyDispatcher> | undefined;

function describe(error: unknown): string {
  const message = error instanceof Error ? (error.name === "TimeoutError" ? `No answer within ${ALERT_REQUEST_TIMEOUT_MS / 1000} s` : error.message) : String(error);
  const text = redactKnownSecrets(message);
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text;
}

async function withAttempts(send: () => Promise<void>, sleep: (ms: number) => Promise<void>): Promise<DeliveryResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await send();
      return { outcome: "SENT", error: null };
    } catch (error) {
      if (!(error instanceof TransientError) || attempt >= ATTEMPTS) return { outcome: "FAILED", error: describe(error) };
      await sleep(BACKOFF_MS * attempt);
    }
  }
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Tidewater-Alerts/1", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(ALERT_REQUEST_TIMEOUT_MS),
      dispatcher: env.ALERT_WEBHOOK_ALLOW_PRIVATE ? undefined : (publicOnly ??= createPublicOnlyDispatcher()),
    });
  } catch (error) {
    const refused = error instanceof Error && error.cause instanceof NonPublicAddressError ? error.cause : null;
    if (refused) throw new Error(describePrivateAddress(refused.host, refused.address), { cause: error });
    throw new TransientError(describe(error), { cause: error });
  }
  await response.body?.cancel();
  if (response.status >= 300 && response.status < 400) throw new Error(`The webhook answered ${response.status} (a redirect); redirects are not followed, so use the final URL.`);
  if (response.status === 429 || response.status >= 500) throw new TransientError(`The webhook answered ${response.status}`);
  if (!response.ok) throw new Error(`The webhook answered ${response.status}`);
}

export async function deliverAlert(p: {
  channel: OpenChannel;
  alert: ComposedAlert;
  mail: MailSettings;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}): Promise<DeliveryResult> {
  const { channel, alert } = p;
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  switch (channel.kind) {
    case "EMAIL": {
      if (!p.mail.smtpUrl) {
        logger.warn("Alert e-mail not sent: SMTP_URL is not configured", { to: channel.address, subject: alert.subject, text: alert.text });
        return { outcome: "LOGGED", error: null };
      }
      const transport = nodemailer.createTransport({
        url: p.mail.smtpUrl,
        connectionTimeout: ALERT_REQUEST_TIMEOUT_MS,
        greetingTimeout: ALERT_REQUEST_TIMEOUT_MS,
        socketTimeout: ALERT_REQUEST_TIMEOUT_MS,
      });
      try {
        return await withAttempts(async () => {
          try {
            await transport.sendMail({ from: p.mail.from, to: channel.address, subject: alert.subject, text: alert.text });
          } catch (error) {
            // 5xx SMTP replies are permanent (bad recipient, refused); connection trouble and 4xx are worth another try.
            const code = (error as { responseCode?: number }).responseCode;
            if (code !== undefined && code >= 500) throw error;
            throw new TransientError(describe(error), { cause: error });
          }
        }, sleep);
      } finally {
        transport.close();
      }
    }
    case "SLACK":
      return withAttempts(() => post(channel.url, JSON.stringify(alert.slack), {}), sleep);
    case "WEBHOOK":
      return withAttempts(() => {
        // Signed per attempt: a retry carries a fresh timestamp, so receivers can keep a short replay window.
        const timestamp = Math.floor((p.now?.() ?? new Date()).getTime() / 1000);
        const signature = signAlertWebhook({ secret: channel.signingSecret, timestamp, body: alert.webhookBody });
        return post(channel.url, alert.webhookBody, { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signature });
      }, sleep);
  }
}

import { createPrivateKey } from "node:crypto";
import { z } from "zod";

export type ServiceAccount = { clientEmail: string; privateKey: string };

/**
 * Reads a service-account key file (the JSON Google Cloud downloads). Returns a problem described
 * for the user instead of throwing; messages never quote the key, not even a fragment of it (which is
 * why JSON.parse's own message, which quotes the text, is not passed on).
 */
export function parseServiceAccountJson(text: string): { ok: true; account: ServiceAccount } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      ok: false,
      message:
        "The service account key is not valid JSON: paste the whole key file downloaded from Google Cloud (IAM & Admin → Service accounts → Keys → Add key → JSON), from the opening { to the closing }.",
    };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: "The service account key must be a JSON object, the key file downloaded from Google Cloud." };
  }
  const record = parsed as Record<string, unknown>;
  if (record.type !== undefined && record.type !== "service_account") {
    return {
      ok: false,
      message: `The JSON is a "${String(record.type).slice(0, 40)}" credential, not a service account key: create a service account key (JSON) in Google Cloud.`,
    };
  }
  const missing = ["client_email", "private_key"].filter((field) => typeof record[field] !== "string" || record[field] === "");
  if (missing.length > 0) {
    return {
      ok: false,
      message: `The service account key JSON has no ${missing.map((f) => `"${f}"`).join(" or ")} field: paste the complete key file downloaded from Google Cloud.`,
    };
  }
  const clientEmail = record.client_email as string;
  const privateKey = record.private_key as string;
  try {
    createPrivateKey(privateKey);
  } catch {
    return {
      ok: false,
      message: `The "private_key" of service account ${clientEmail} is not a readable PEM private key: paste the key file exactly as Google Cloud downloaded it.`,
    };
  }
  return { ok: true, account: { clientEmail, privateKey } };
}

/** The config field holding a Google service-account key, shared by every Google connector. */
export function serviceAccountJsonField(help: string) {
  return z
    .string({ error: "Paste the service account key (JSON)." })
    .min(1, "Paste the service account key (JSON).")
    .superRefine((text, ctx) => {
      const parsed = parseServiceAccountJson(text);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
    })
    .meta({
      label: "Service account key (JSON)",
      help,
      secret: true,
      widget: "textarea",
      placeholder: '{ "type": "service_account", "client_email": "…", "private_key": "…" }',
    });
}

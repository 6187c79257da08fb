import { z } from "zod";
import { getDb } from "~/server/db/client";
import type { AlertChannelKind } from "~/server/db/generated/client";
import { AppError, notFound } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { sealChannelSecrets } from "./alert-channel-secrets";
import { ensureAlertPolicy } from "./alert-policy";
import { parseAlertWebhookUrl } from "./alert-webhook-url";
import { createSigningSecret } from "./sign-alert-webhook";

/** A policy with more channels than this is a mistake, not a use case. */
const MAX_CHANNELS = 10;

export type AddAlertChannelOptions = {
  workspaceId: string;
  /** Null: the workspace default. A sync that inherits gets its own override first (a copy of the default). */
  syncId: string | null;
  kind: AlertChannelKind;
  /** An e-mail address for EMAIL, the URL for SLACK and WEBHOOK. */
  target: string;
  actor: Actor;
};

async function parseTarget(kind: AlertChannelKind, target: string): Promise<{ label: string; secrets: string | null; signingSecret: string | null }> {
  if (kind === "EMAIL") {
    const address = target.trim();
    if (!z.email().safeParse(address).success) {
      throw new AppError("BAD_REQUEST", `"${address}" is not an e-mail address.`, { fieldErrors: { target: "Enter one e-mail address, like ops@example.com." } });
    }
    return { label: address.toLowerCase(), secrets: null, signingSecret: null };
  }
  const { url, label } = await parseAlertWebhookUrl(target);
  const signingSecret = kind === "WEBHOOK" ? createSigningSecret() : null;
  return { label, secrets: sealChannelSecrets({ url, ...(signingSecret ? { signingSecret } : {}) }), signingSecret };
}

/** Adds a channel. A webhook's signing secret is answered here once; it is stored encrypted and never shown again. */
export async function addAlertChannel({ workspaceId, syncId, kind, target, actor }: AddAlertChannelOptions) {
  const parsed = await parseTarget(kind, target);
  const db = await getDb();
  if (syncId && !(await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { id: true } }))) throw notFound("Sync");
  const channel = await db.$transaction(async (tx) => {
    const policy = await ensureAlertPolicy({ workspaceId, syncId, client: tx });
    if (policy.channels.length >= MAX_CHANNELS) throw new AppError("CONFLICT", `Alerts go to at most ${MAX_CHANNELS} channels; remove one first.`);
    return tx.alertChannel.create({
      data: { id: createId("alc"), workspaceId, policyId: policy.id, kind, label: parsed.label, secrets: parsed.secrets },
      select: { id: true, kind: true, label: true, createdAt: true },
    });
  });
  await recordAuditEntry({ workspaceId, actor, action: "alerts.channel.add", targetType: syncId ? "sync" : "workspace", targetId: syncId ?? workspaceId, targetName: `${kind.toLowerCase()} ${parsed.label}` });
  return { channel, signingSecret: parsed.signingSecret };
}

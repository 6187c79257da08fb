import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export async function removeAlertChannel({ workspaceId, channelId, actor }: { workspaceId: string; channelId: string; actor: Actor }) {
  const db = await getDb();
  const channel = await db.alertChannel.findFirst({ where: { id: channelId, workspaceId }, select: { id: true, kind: true, label: true, policy: { select: { syncId: true } } } });
  if (!channel) throw notFound("Alert channel");
  await db.alertChannel.deleteMany({ where: { id: channel.id, workspaceId } });
  const syncId = channel.policy.syncId;
  await recordAuditEntry({ workspaceId, actor, action: "alerts.channel.remove", targetType: syncId ? "sync" : "workspace", targetId: syncId ?? workspaceId, targetName: `${channel.kind.toLowerCase()} ${channel.label}` });
  return { ok: true as const };
}

import { getDb } from "~/server/db/client";
import { AppError, notFound } from "~/server/lib/errors";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";
import { ensureAlertPolicy } from "./alert-policy";
import type { AlertRules } from "./alert-rules";
import { getAlertSettings } from "./get-alert-settings";

export type UpdateAlertRulesOptions = {
  workspaceId: string;
  /** Null: the workspace default. */
  syncId: string | null;
  /** For a sync: true goes back to the workspace default (its own rules and channels are deleted). */
  inherit?: boolean;
  rules?: Partial<AlertRules>;
  actor: Actor;
};

function checkPercent(value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    const message = "Use a whole percentage from 1 to 100, or turn the threshold off.";
    throw new AppError("BAD_REQUEST", `The bad-row threshold must be a whole percentage from 1 to 100 (got ${value}).`, { fieldErrors: { problemRowsPercent: message } });
  }
}

export async function updateAlertRules({ workspaceId, syncId, inherit, rules = {}, actor }: UpdateAlertRulesOptions) {
  if (syncId === null && inherit) throw new AppError("BAD_REQUEST", "The workspace default cannot inherit: it is what syncs inherit.");
  checkPercent(rules.problemRowsPercent);
  const db = await getDb();
  let targetName = "Workspace default";
  if (syncId) {
    const sync = await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { name: true } });
    if (!sync) throw notFound("Sync");
    targetName = sync.name;
  }
  await db.$transaction(async (tx) => {
    if (syncId && inherit) {
      await tx.alertPolicy.deleteMany({ where: { workspaceId, syncId } });
      return;
    }
    const policy = await ensureAlertPolicy({ workspaceId, syncId, client: tx });
    await tx.alertPolicy.update({
      where: { id: policy.id },
      data: {
        onFailure: rules.onFailure,
        onRecovery: rules.onRecovery,
        onWarning: rules.onWarning,
        problemRowsPercent: rules.problemRowsPercent,
      },
    });
  });
  await recordAuditEntry({
    workspaceId,
    actor,
    action: "alerts.update",
    targetType: syncId ? "sync" : "workspace",
    targetId: syncId ?? workspaceId,
    targetName,
    details: inherit ? { inherit: true } : { ...rules },
  });
  return getAlertSettings({ workspaceId, syncId });
}

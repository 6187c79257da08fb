import { getDb } from "~/server/db/client";
import { notFound } from "~/server/lib/errors";
import { findAlertPolicy } from "./alert-policy";
import { DEFAULT_ALERT_RULES, type AlertRules } from "./alert-rules";

type PolicyRow = NonNullable<Awaited<ReturnType<typeof findAlertPolicy>>>;

export type AlertSettingsView = {
  /** For a sync: true while it uses the workspace default. Always false for the workspace default itself. */
  inherits: boolean;
  rules: AlertRules;
  /** Labels only: webhook URLs and signing secrets never leave the server. */
  channels: { id: string; kind: PolicyRow["channels"][number]["kind"]; label: string; createdAt: Date }[];
};

function toView(policy: PolicyRow | null, inherits: boolean): AlertSettingsView {
  return {
    inherits,
    rules: policy
      ? { onFailure: policy.onFailure, onRecovery: policy.onRecovery, onWarning: policy.onWarning, problemRowsPercent: policy.problemRowsPercent }
      : DEFAULT_ALERT_RULES,
    channels: (policy?.channels ?? []).map((c) => ({ id: c.id, kind: c.kind, label: c.label, createdAt: c.createdAt })),
  };
}

/** The workspace default (syncId null), or a sync's effective settings and whether they are inherited. */
export async function getAlertSettings({ workspaceId, syncId }: { workspaceId: string; syncId: string | null }): Promise<AlertSettingsView> {
  if (syncId) {
    const db = await getDb();
    const sync = await db.sync.findFirst({ where: { id: syncId, workspaceId }, select: { id: true } });
    if (!sync) throw notFound("Sync");
    const own = await findAlertPolicy({ workspaceId, syncId });
    if (own) return toView(own, false);
  }
  return toView(await findAlertPolicy({ workspaceId, syncId: null }), syncId !== null);
}

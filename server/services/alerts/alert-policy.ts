/**
 * Which alert policy applies: a sync's own when it overrides, else the workspace default (the row without
 * a syncId). Every lookup carries workspaceId.
 */
import { getDb } from "~/server/db/client";
import type { Prisma } from "~/server/db/generated/client";
import { createId } from "~/server/lib/ids";
import { DEFAULT_ALERT_RULES } from "./alert-rules";

type Db = Prisma.TransactionClient;

export const POLICY_INCLUDE = { channels: { orderBy: { createdAt: "asc" } } } as const satisfies Prisma.AlertPolicyInclude;

export async function findAlertPolicy(p: { workspaceId: string; syncId: string | null; client?: Db }) {
  const db = p.client ?? (await getDb());
  return db.alertPolicy.findFirst({ where: { workspaceId: p.workspaceId, syncId: p.syncId }, include: POLICY_INCLUDE });
}

/** The sync's own policy, or the workspace default it inherits (null when neither exists). */
export async function resolveAlertPolicy(p: { workspaceId: string; syncId: string; client?: Db }) {
  return (await findAlertPolicy(p)) ?? (await findAlertPolicy({ ...p, syncId: null }));
}

/**
 * The policy row for a scope, created when missing. A sync's new override starts as a copy of the
 * workspace default, channels included, so switching to "override" changes nothing until edited.
 */
export async function ensureAlertPolicy(p: { workspaceId: string; syncId: string | null; client: Db }) {
  const existing = await findAlertPolicy(p);
  if (existing) return existing;
  const fallback = p.syncId ? await findAlertPolicy({ ...p, syncId: null }) : null;
  const id = createId("alp");
  const rules = fallback ?? DEFAULT_ALERT_RULES;
  await p.client.alertPolicy.create({
    data: {
      id,
      workspaceId: p.workspaceId,
      syncId: p.syncId,
      onFailure: rules.onFailure,
      onRecovery: rules.onRecovery,
      onWarning: rules.onWarning,
      problemRowsPercent: rules.problemRowsPercent,
    },
  });
  if (fallback?.channels.length) {
    await p.client.alertChannel.createMany({
      data: fallback.channels.map((c) => ({ id: createId("alc"), workspaceId: p.workspaceId, policyId: id, kind: c.kind, label: c.label, secrets: c.secrets })),
    });
  }
  return p.client.alertPolicy.findUniqueOrThrow({ where: { id }, include: POLICY_INCLUDE });
}

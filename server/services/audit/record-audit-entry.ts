import type { Prisma } from "~/server/db/generated/client";
import { getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";

export type Actor = { userId?: string | null; label: string };

export type RecordAuditEntryOptions = {
  workspaceId: string;
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string;
  targetName?: string;
  /** Never secret values: which fields changed, not what they became. */
  details?: Prisma.InputJsonValue;
  tx?: Prisma.TransactionClient;
};

export async function recordAuditEntry({ workspaceId, actor, action, targetType, targetId, targetName, details, tx }: RecordAuditEntryOptions) {
  const client = tx ?? (await getDb());
  await client.auditEntry.create({
    data: {
      id: createId("aud"),
      workspaceId,
      actorUserId: actor.userId ?? null,
      actorLabel: actor.label,
      action,
      targetType,
      targetId,
      targetName,
      details,
    },
  });
}

import { getDb } from "~/server/db/client";
import { createToken, hashToken } from "~/server/lib/crypto";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { recordAuditEntry, type Actor } from "~/server/services/audit/record-audit-entry";

export const API_TOKEN_PREFIX = "twk";

/** Creates a workspace API token. The token is returned once; only its hash is stored. */
export async function createApiToken({ workspaceId, name, createdById, actor }: { workspaceId: string; name: string; createdById?: string | null; actor: Actor }) {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 80) throw new AppError("BAD_REQUEST", "Token name must be 1 to 80 characters.", { fieldErrors: { name: "Use 1 to 80 characters." } });
  const token = createToken(API_TOKEN_PREFIX);
  const db = await getDb();
  const row = await db.apiToken.create({
    data: { id: createId("tok"), workspaceId, name: trimmed, tokenHash: hashToken(token), prefix: token.slice(0, 10), createdById: createdById ?? null },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  await recordAuditEntry({ workspaceId, actor, action: "apiToken.create", targetType: "apiToken", targetId: row.id, targetName: trimmed });
  return { ...row, token };
}

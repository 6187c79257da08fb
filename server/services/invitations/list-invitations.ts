import { getDb } from "~/server/db/client";

/** Pending invitations (not accepted, not revoked), with whether each has expired. */
export async function listInvitations({ workspaceId }: { workspaceId: string }) {
  const db = await getDb();
  const rows = await db.invitation.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
  });
  const now = Date.now();
  return rows.map((r) => ({ ...r, expired: r.expiresAt.getTime() < now }));
}

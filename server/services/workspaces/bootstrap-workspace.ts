import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { createApiToken } from "~/server/services/api-tokens/create-api-token";
import { hashPassword } from "~/server/services/users/password-hashing";
import { describeWeakPassword } from "~/server/services/users/password-policy";
import { createWorkspace } from "./create-workspace";

export type BootstrapWorkspaceOptions = { email: string; password: string; workspaceName: string };

/**
 * For self-hosters and automation: makes sure the user exists, is ADMIN of a workspace with this name,
 * and returns a new API token. Running it again reuses the user and workspace (an existing password is
 * not changed).
 */
export async function bootstrapWorkspace({ email, password, workspaceName }: BootstrapWorkspaceOptions) {
  const normalized = email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(normalized)) throw new AppError("BAD_REQUEST", `"${email}" is not a valid email address.`);
  const db = await getDb();
  let user = await db.user.findUnique({ where: { email: normalized }, select: { id: true, email: true, passwordHash: true } });
  if (!user) {
    const weakness = describeWeakPassword(password, normalized);
    if (weakness) throw new AppError("BAD_REQUEST", `Password is too weak: ${weakness}`);
    user = await db.user.create({
      data: { id: createId("usr"), email: normalized, passwordHash: await hashPassword(password) },
      select: { id: true, email: true, passwordHash: true },
    });
  } else if (!user.passwordHash) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  const actor = { userId: user.id, label: `${normalized} (cli)` };
  const existing = await db.workspace.findFirst({ where: { name: workspaceName.trim(), memberships: { some: { userId: user.id } } }, select: { id: true, slug: true } });
  const workspace = existing ?? (await createWorkspace({ userId: user.id, name: workspaceName, actor }));
  await db.membership.upsert({
    where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
    create: { id: createId("mem"), workspaceId: workspace.id, userId: user.id, role: "ADMIN" },
    update: { role: "ADMIN" },
  });
  const token = await createApiToken({ workspaceId: workspace.id, name: `bootstrap ${new Date().toISOString().slice(0, 16)}`, createdById: user.id, actor });
  return { workspaceId: workspace.id, workspaceSlug: workspace.slug, apiToken: token.token };
}

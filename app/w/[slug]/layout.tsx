import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { WorkspaceShell } from "~/components/workspace/workspace-shell";
import { auth } from "~/server/auth";
import { getWorkspaceBySlug } from "~/server/services/workspaces/get-workspace-by-slug";
import { permissionsOf } from "~/server/services/workspaces/permissions";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const session = await auth();
  if (!session) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/w/${slug}`)}`);
  // Non-members get the same 404 as a workspace that does not exist.
  const workspace = await getWorkspaceBySlug({ slug, userId: session.user.id });
  if (!workspace) notFound();
  return (
    <WorkspaceShell workspace={{ ...workspace, permissions: permissionsOf(workspace.role) }} user={{ email: session.user.email ?? "", name: session.user.name ?? null }}>
      {children}
    </WorkspaceShell>
  );
}

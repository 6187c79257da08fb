import type { ReactNode } from "react";
import { WorkspaceShell } from "~/components/workspace/workspace-shell";
import { permissionsOf } from "~/server/services/workspaces/permissions";
import { requireWorkspace } from "./current-workspace";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { session, workspace } = await requireWorkspace(slug);
  return (
    <WorkspaceShell workspace={{ ...workspace, permissions: permissionsOf(workspace.role) }} user={{ email: session.user.email ?? "", name: session.user.name ?? null }}>
      {children}
    </WorkspaceShell>
  );
}

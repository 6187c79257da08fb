"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Permission } from "~/server/services/workspaces/permissions";

export type CurrentWorkspace = { id: string; slug: string; name: string; role: "ADMIN" | "MEMBER" | "VIEWER"; permissions: Permission[] };

const WorkspaceContext = createContext<CurrentWorkspace | null>(null);

export function WorkspaceProvider({ workspace, children }: { workspace: CurrentWorkspace; children: ReactNode }) {
  return <WorkspaceContext.Provider value={workspace}>{children}</WorkspaceContext.Provider>;
}

/** The workspace of the current /w/[slug] page, with the user's role and permissions. */
export function useWorkspace(): CurrentWorkspace & { can: (permission: Permission) => boolean } {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error("useWorkspace must be used inside a workspace page");
  return { ...workspace, can: (p) => workspace.permissions.includes(p) };
}

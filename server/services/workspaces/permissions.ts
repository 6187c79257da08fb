import type { Role } from "~/server/db/generated/client";

/**
 * The permission table: every workspace-scoped procedure and REST route names one of these, and
 * only the roles listed here may call it. Reviewing access means reading this table.
 */
export const PERMISSIONS = {
  "workspace.read": ["ADMIN", "MEMBER", "VIEWER"],
  "workspace.manage": ["ADMIN"],
  "members.read": ["ADMIN", "MEMBER", "VIEWER"],
  "members.manage": ["ADMIN"],
  "apiTokens.manage": ["ADMIN"],
  "audit.read": ["ADMIN"],
  "connections.read": ["ADMIN", "MEMBER", "VIEWER"],
  /** Create, edit, test, delete connections and see their configuration. */
  "connections.write": ["ADMIN"],
  "syncs.read": ["ADMIN", "MEMBER", "VIEWER"],
  "syncs.write": ["ADMIN", "MEMBER"],
  "syncs.run": ["ADMIN", "MEMBER"],
  /** Run a query on a source (discover, preview, columns, mapping suggestions): viewers read past runs, not the warehouse. */
  "models.query": ["ADMIN", "MEMBER"],
  "files.upload": ["ADMIN", "MEMBER"],
  /** Alert rules, channels (labels only) and deliveries, of a sync and the workspace default. */
  "alerts.read": ["ADMIN", "MEMBER", "VIEWER"],
  /** Change alert rules and add or remove channels (a new webhook's signing secret is shown once). */
  "alerts.write": ["ADMIN", "MEMBER"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => hasPermission(role, p));
}

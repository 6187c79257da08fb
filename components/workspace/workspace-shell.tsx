"use client";

import { clsx } from "clsx";
import { ArrowLeftRight, Cable, LayoutDashboard, LogOut, RefreshCw, Settings, Users } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import type { ReactNode } from "react";
import { WorkspaceProvider, type CurrentWorkspace } from "./workspace-context";
import { WorkspaceSwitcher } from "./workspace-switcher";

const NAV = [
  { href: "", label: "Overview", icon: LayoutDashboard },
  { href: "/connections", label: "Connections", icon: Cable },
  { href: "/syncs", label: "Syncs", icon: RefreshCw },
  { href: "/members", label: "Members", icon: Users },
  { href: "/settings", label: "Settings", icon: Settings },
];

export function WorkspaceShell({ workspace, user, children }: { workspace: CurrentWorkspace; user: { email: string; name: string | null }; children: ReactNode }) {
  const pathname = usePathname();
  const base = `/w/${workspace.slug}`;
  return (
    <WorkspaceProvider workspace={workspace}>
      <div className="flex min-h-screen">
        <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-slate-200 bg-white">
          <div className="flex items-center gap-2 px-4 py-4 text-brand-700">
            <ArrowLeftRight className="h-5 w-5" aria-hidden />
            <span className="text-lg font-semibold tracking-tight">Tidewater</span>
          </div>
          <div className="px-3 pb-3">
            <WorkspaceSwitcher current={workspace} />
          </div>
          <nav aria-label="Workspace" className="flex-1 space-y-0.5 px-3">
            {NAV.map(({ href, label, icon: Icon }) => {
              const target = `${base}${href}`;
              const active = href === "" ? pathname === base : pathname.startsWith(target);
              return (
                <Link
                  key={label}
                  href={target}
                  aria-current={active ? "page" : undefined}
                  className={clsx(
                    "flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium",
                    active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
                  )}
                >
                  <Icon className="h-4 w-4" aria-hidden />
                  {label}
                </Link>
              );
            })}
          </nav>
          <div className="border-t border-slate-200 px-4 py-3 text-sm">
            <p className="truncate font-medium text-slate-800" title={user.email}>
              {user.name ?? user.email}
            </p>
            <p className="text-xs text-slate-500">{workspace.role.toLowerCase()}</p>
            <button type="button" onClick={() => void signOut({ callbackUrl: "/sign-in" })} className="mt-2 inline-flex items-center gap-1.5 text-xs text-slate-500 hover:text-slate-900">
              <LogOut className="h-3.5 w-3.5" aria-hidden /> Sign out
            </button>
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-8 py-8">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </WorkspaceProvider>
  );
}

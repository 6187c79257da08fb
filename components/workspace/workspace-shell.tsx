"use client";

import { clsx } from "clsx";
import { Cable, LayoutDashboard, LogOut, Menu, RefreshCw, Settings, Users, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useEffect, useRef, useState, type ReactNode, type RefObject } from "react";
import { BrandMark } from "~/components/ui/brand-mark";
import { WorkspaceProvider, type CurrentWorkspace } from "./workspace-context";
import { WorkspaceSwitcher } from "./workspace-switcher";

const NAV = [
  { href: "", label: "Overview", icon: LayoutDashboard },
  { href: "/connections", label: "Connections", icon: Cable },
  { href: "/syncs", label: "Syncs", icon: RefreshCw },
  { href: "/members", label: "Members", icon: Users },
  { href: "/settings", label: "Settings", icon: Settings },
];

const SIDEBAR_ID = "workspace-sidebar";

/**
 * Below the md breakpoint the sidebar is a drawer behind a "Menu" disclosure button, so a phone keeps
 * its full width for content. The drawer remembers the path it was opened on: navigating closes it
 * without an effect, and Escape closes it and hands focus back to the button.
 */
function useMenu(buttonRef: RefObject<HTMLButtonElement | null>) {
  const pathname = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpenOn(null);
      buttonRef.current?.focus();
    };
    // Grown past the breakpoint, the sidebar is always shown; an open drawer would only leave the page inert.
    const wide = window.matchMedia("(min-width: 48rem)");
    const onWide = () => {
      if (wide.matches) setOpenOn(null);
    };
    document.addEventListener("keydown", onKeyDown);
    wide.addEventListener("change", onWide);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      wide.removeEventListener("change", onWide);
    };
  }, [open, buttonRef]);
  return { open, toggle: () => setOpenOn(open ? null : pathname), close: () => setOpenOn(null) };
}

export function WorkspaceShell({ workspace, user, children }: { workspace: CurrentWorkspace; user: { email: string; name: string | null }; children: ReactNode }) {
  const pathname = usePathname();
  const base = `/w/${workspace.slug}`;
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const menu = useMenu(menuButtonRef);
  return (
    <WorkspaceProvider workspace={workspace}>
      <div className="min-h-screen md:flex">
        <header className="sticky top-0 z-40 flex h-14 items-center gap-3 border-b border-slate-200 bg-white px-4 md:hidden">
          <button
            ref={menuButtonRef}
            type="button"
            aria-expanded={menu.open}
            aria-controls={SIDEBAR_ID}
            onClick={menu.toggle}
            className="-ml-1.5 inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100"
          >
            {menu.open ? <X className="h-5 w-5" aria-hidden /> : <Menu className="h-5 w-5" aria-hidden />}
            Menu
          </button>
          <div className="flex min-w-0 items-center gap-2 text-brand-700">
            <BrandMark className="h-5 w-5" />
            <span className="truncate font-semibold tracking-tight">{workspace.name}</span>
          </div>
        </header>
        {menu.open ? <div className="fixed inset-0 top-14 z-30 bg-slate-900/40 md:hidden" aria-hidden onClick={menu.close} /> : null}
        <aside
          id={SIDEBAR_ID}
          className={clsx(
            "shrink-0 flex-col border-r border-slate-200 bg-white md:sticky md:top-0 md:z-auto md:flex md:h-screen md:w-60 md:shadow-none",
            menu.open ? "fixed bottom-0 left-0 top-14 z-40 flex w-72 max-w-[85vw] shadow-xl" : "hidden",
          )}
        >
          <div className="hidden items-center gap-2 px-4 py-4 text-brand-700 md:flex">
            <BrandMark className="h-6 w-6" />
            <span className="text-lg font-semibold tracking-tight">Tidewater</span>
          </div>
          <div className="px-3 pb-3 pt-3 md:pt-0">
            <WorkspaceSwitcher current={workspace} />
          </div>
          <nav aria-label="Workspace" className="flex-1 space-y-0.5 overflow-y-auto px-3">
            {NAV.map(({ href, label, icon: Icon }) => {
              const target = `${base}${href}`;
              const active = href === "" ? pathname === base : pathname.startsWith(target);
              return (
                <Link
                  key={label}
                  href={target}
                  aria-current={active ? "page" : undefined}
                  // A link to the page already shown does not change the path, so it closes the drawer itself.
                  onClick={menu.close}
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
        <main inert={menu.open} className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-8">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </WorkspaceProvider>
  );
}

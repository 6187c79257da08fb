"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import type { CurrentWorkspace } from "./workspace-context";

const NEW_WORKSPACE = "__new__";

export function WorkspaceSwitcher({ current }: { current: CurrentWorkspace }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { data } = useQuery(trpc.workspace.listMine.queryOptions());
  const workspaces = data ?? [{ ...current }];
  return (
    <label className="block">
      <span className="sr-only">Workspace</span>
      <select
        aria-label="Switch workspace"
        value={current.slug}
        onChange={(e) => router.push(e.target.value === NEW_WORKSPACE ? "/onboarding" : `/w/${e.target.value}`)}
        className="block w-full rounded-md border border-slate-300 bg-slate-50 px-2.5 py-1.5 text-sm font-medium text-slate-800 focus:border-brand-500 focus:outline-none"
      >
        {workspaces.map((w) => (
          <option key={w.slug} value={w.slug}>
            {w.name}
          </option>
        ))}
        <option value={NEW_WORKSPACE}>+ New workspace…</option>
      </select>
    </label>
  );
}

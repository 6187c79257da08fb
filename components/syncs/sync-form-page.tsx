"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Cable } from "lucide-react";
import Link from "next/link";
import { useMemo } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { EmptyState } from "~/components/ui/empty-state";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { SyncForm } from "./sync-form";
import { createDefaultValues, detectTimeZone, readSyncView } from "./sync-form-values";
import type { SyncView } from "./sync-types";

function BackLink({ href, children }: { href: string; children: string }) {
  return (
    <Link href={href} className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
      <ArrowLeft className="h-4 w-4" aria-hidden /> {children}
    </Link>
  );
}

/** Connections and connector types every sync form needs, with the empty state when a side is missing. */
function useFormData() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const connections = useQuery(trpc.connection.list.queryOptions({ workspaceId: workspace.id }));
  const types = useQuery(trpc.connection.types.queryOptions({ workspaceId: workspace.id }));
  const sources = useMemo(() => (connections.data ?? []).filter((c) => c.kind === "source"), [connections.data]);
  const destinations = useMemo(() => (connections.data ?? []).filter((c) => c.kind === "destination"), [connections.data]);
  return { isPending: connections.isPending || types.isPending, error: connections.error ?? types.error, sources, destinations, types: types.data ?? [] };
}

function NoPermission() {
  return (
    <Alert tone="info" title="You can look, but not change syncs">
      Your role is viewer. Ask an admin to make you a member to create and edit syncs.
    </Alert>
  );
}

/** /w/[slug]/syncs/new: "+ Create a new Sync". */
export function NewSyncPage() {
  const workspace = useWorkspace();
  const data = useFormData();
  const defaults = useMemo(() => createDefaultValues(detectTimeZone()), []);
  return (
    <>
      <BackLink href={`/w/${workspace.slug}/syncs`}>Syncs</BackLink>
      <PageHeader title="Create a new Sync" description="Follow the steps: pick what to send and where, how rows match, which fields to map, and when it runs." />
      {!workspace.can("syncs.write") ? (
        <NoPermission />
      ) : (
        <QueryState isPending={data.isPending} error={data.error}>
          {data.sources.length && data.destinations.length ? (
            <SyncForm sources={data.sources} destinations={data.destinations} connectorTypes={data.types} defaultValues={defaults} />
          ) : (
            <EmptyState
              icon={<Cable className="h-8 w-8" aria-hidden />}
              title={`Connect ${data.sources.length ? "a destination" : data.destinations.length ? "a source" : "a source and a destination"} first`}
              description="A sync reads rows from a source (a database, warehouse, sheet or files) and sends them to a destination such as CleverTap or Customer.io."
              action={
                <Link href={`/w/${workspace.slug}/connections`} className="inline-flex items-center gap-1.5 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700">
                  Go to Connections
                </Link>
              }
            />
          )}
        </QueryState>
      )}
    </>
  );
}

function EditForm({ sync }: { sync: SyncView }) {
  const data = useFormData();
  const defaults = useMemo(() => readSyncView(sync, detectTimeZone()), [sync]);
  return (
    <QueryState isPending={data.isPending} error={data.error}>
      <SyncForm sources={data.sources} destinations={data.destinations} connectorTypes={data.types} defaultValues={defaults} editing={{ syncId: sync.id }} />
    </QueryState>
  );
}

/** /w/[slug]/syncs/[syncId]/edit: the same form, prefilled; saves with sync.update (only what changed). */
export function EditSyncPage({ syncId }: { syncId: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  // The form keeps its own copy while editing: no background refetch may reset it.
  const sync = useQuery({ ...trpc.sync.get.queryOptions({ workspaceId: workspace.id, syncId }), staleTime: Infinity, refetchOnWindowFocus: false });
  return (
    <>
      <BackLink href={`/w/${workspace.slug}/syncs/${syncId}`}>{sync.data?.name ?? "Sync"}</BackLink>
      <PageHeader title={sync.data ? `Edit ${sync.data.name}` : "Edit sync"} />
      {!workspace.can("syncs.write") ? (
        <NoPermission />
      ) : (
        <QueryState isPending={sync.isPending} error={sync.error}>
          {sync.data ? <EditForm sync={sync.data} /> : null}
        </QueryState>
      )}
    </>
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { format, formatDistanceToNow } from "date-fns";
import { ArrowRight, Cable, RefreshCw } from "lucide-react";
import Link from "next/link";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { formatCount } from "~/components/sync-runs/format-run";
import { RunStatusBadge } from "~/components/sync-runs/run-status-badge";
import { isRunActive } from "~/components/sync-runs/sync-run-types";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useUrlQuery } from "~/components/ui/use-url-query";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { CreateSyncLink } from "./create-sync-link";
import { SYNC_FILTER_KEYS, SyncFilters } from "./sync-filters";
import type { SyncListItem, SyncStatusFilter } from "./sync-types";

function LastRun({ sync, slug }: { sync: SyncListItem; slug: string }) {
  const run = sync.lastRun;
  if (!run) return <span className="text-slate-400">Never run</span>;
  const at = run.finishedAt ?? run.startedAt ?? run.queuedAt;
  return (
    <div className="space-y-1">
      <Link href={`/w/${slug}/syncs/${sync.id}/runs/${run.id}`} className="inline-block rounded-full focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500" aria-label={`Last run of ${sync.name}`}>
        <RunStatusBadge status={run.status} />
      </Link>
      <p className="text-xs text-slate-500">
        <span title={format(at, "PPpp")}>{formatDistanceToNow(at, { addSuffix: true })}</span>
        {" · "}
        {formatCount(run.counts.created)} created, {formatCount(run.counts.updated)} updated
        {run.counts.rejected ? <span className="text-red-700">, {formatCount(run.counts.rejected)} rejected</span> : null}
        {run.counts.invalid ? <span className="text-amber-700">, {formatCount(run.counts.invalid)} invalid</span> : null}
      </p>
    </div>
  );
}

function NextRun({ sync }: { sync: SyncListItem }) {
  if (!sync.enabled) return <Badge>Disabled</Badge>;
  if (sync.lastRun && isRunActive(sync.lastRun.status)) return <span className="text-slate-600">Running now</span>;
  if (!sync.nextRunAt) return <span className="text-slate-500">{sync.schedule.type === "manual" ? "When run by hand" : "—"}</span>;
  return <span title={format(sync.nextRunAt, "PPpp")}>{formatDistanceToNow(sync.nextRunAt, { addSuffix: true })}</span>;
}

/** Syncs of the workspace: what goes where, on which schedule, and how the last run went. */
export function SyncsPage() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const canWrite = workspace.can("syncs.write");
  const [filters, setFilters] = useUrlQuery(SYNC_FILTER_KEYS);
  const isFiltered = Object.values(filters).some(Boolean);
  const syncs = useQuery({
    ...trpc.sync.list.queryOptions({
      workspaceId: workspace.id,
      search: filters.q || undefined,
      sourceId: filters.source || undefined,
      destinationId: filters.destination || undefined,
      status: (filters.status || undefined) as SyncStatusFilter | undefined,
    }),
    placeholderData: keepPreviousData,
    // Keep last-run badges fresh while something runs.
    refetchInterval: (query) => (query.state.data?.some((s) => s.lastRun && isRunActive(s.lastRun.status)) ? 2000 : 30_000),
  });
  const connections = useQuery(trpc.connection.list.queryOptions({ workspaceId: workspace.id }));
  const types = useQuery(trpc.connection.types.queryOptions({ workspaceId: workspace.id }));
  const objectLabel = (sync: SyncListItem) => types.data?.find((t) => t.id === sync.destination?.type)?.objects.find((o) => o.id === sync.object)?.label ?? sync.object;
  const hasSource = connections.data?.some((c) => c.kind === "source") ?? false;
  const hasDestination = connections.data?.some((c) => c.kind === "destination") ?? false;

  return (
    <>
      <PageHeader title="Syncs" description="Each sync sends a model from a source to a destination object, on demand or on a schedule." actions={canWrite && (syncs.data?.length || isFiltered) ? <CreateSyncLink slug={workspace.slug} /> : undefined} />
      {isFiltered || syncs.data?.length ? <SyncFilters values={filters} onChange={setFilters} connections={connections.data ?? []} /> : null}
      <QueryState isPending={syncs.isPending || connections.isPending} error={syncs.error ?? connections.error}>
        {isFiltered && syncs.data?.length === 0 ? (
          <EmptyState
            title="No syncs match these filters"
            description="Try another name, or clear the filters to see every sync."
            action={
              <button type="button" className="text-sm font-medium text-brand-700 underline" onClick={() => setFilters({ q: "", source: "", destination: "", status: "" })}>
                Clear filters
              </button>
            }
          />
        ) : syncs.data?.length ? (
          <Card>
            <div className="overflow-x-auto">
              <table className="w-full min-w-[44rem] text-sm" aria-label="Syncs">
                <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-5 py-2 font-medium">Name</th>
                    <th className="px-3 py-2 font-medium">Source → Destination</th>
                    <th className="px-3 py-2 font-medium">Schedule</th>
                    <th className="px-3 py-2 font-medium">Last run</th>
                    <th className="px-5 py-2 font-medium">Next run</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {syncs.data.map((sync) => (
                    <tr key={sync.id} data-testid={`sync-row-${sync.name}`} className="align-top">
                      <td className="px-5 py-3">
                        <Link href={`/w/${workspace.slug}/syncs/${sync.id}`} className="font-medium text-brand-700 hover:underline">
                          {sync.name}
                        </Link>
                      </td>
                      <td className="px-3 py-3 text-slate-700">
                        <span className="inline-flex flex-wrap items-center gap-1.5">
                          {sync.source?.name ?? "Deleted source"}
                          <ArrowRight className="h-3.5 w-3.5 text-slate-400" aria-label="to" />
                          {sync.destination?.name ?? "Deleted destination"}
                          <Badge>{objectLabel(sync)}</Badge>
                        </span>
                      </td>
                      <td className="px-3 py-3 text-slate-600">{sync.scheduleDescription}</td>
                      <td className="px-3 py-3">
                        <LastRun sync={sync} slug={workspace.slug} />
                      </td>
                      <td className="whitespace-nowrap px-5 py-3 text-slate-600">
                        <NextRun sync={sync} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        ) : hasSource && hasDestination ? (
          <EmptyState
            icon={<RefreshCw className="h-8 w-8" aria-hidden />}
            title="No syncs yet"
            description="Create a sync to send a table or SQL query from your source to a destination's profiles or events."
            action={canWrite ? <CreateSyncLink slug={workspace.slug} /> : <span className="text-sm text-slate-500">Ask a member or admin to create one.</span>}
          />
        ) : (
          <EmptyState
            icon={<Cable className="h-8 w-8" aria-hidden />}
            title="Connect a source and a destination first"
            description={`A sync reads from a source and writes to a destination. This workspace has ${hasSource ? "a source" : "no source"} and ${hasDestination ? "a destination" : "no destination"} yet.`}
            action={
              <Link href={`/w/${workspace.slug}/connections`} className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">
                Go to Connections
              </Link>
            }
          />
        )}
      </QueryState>
    </>
  );
}

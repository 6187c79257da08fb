"use client";

import { useQuery } from "@tanstack/react-query";
import { format, parseISO, subDays } from "date-fns";
import { Activity } from "lucide-react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { formatCount } from "~/components/sync-runs/format-run";
import { RunsTable } from "~/components/sync-runs/runs-table";
import { isRunActive, type RunListItem } from "~/components/sync-runs/sync-run-types";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { GettingStarted, type ChecklistStep } from "./getting-started";
import { RowsPerDayChart, type DayTotal } from "./rows-per-day-chart";

const DAYS = 14;

/** The viewer's days: the chart's bars are the days as they see them. */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function RowsPerDay() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const perDay = useQuery({ ...trpc.syncRun.rowsPerDay.queryOptions({ workspaceId: workspace.id, days: DAYS, timeZone: TIME_ZONE }), refetchInterval: 30_000 });
  const days: DayTotal[] = (perDay.data ?? []).map((d) => ({ ...d, label: format(parseISO(d.day), "MMM d") }));
  return (
    <Card>
      <CardHeader title="Rows per day" description={`Rows sent (created and updated), invalid (not sent) and rejected by the destination, last ${DAYS} days.`} />
      <CardBody>
        <QueryState isPending={perDay.isPending} error={perDay.error}>
          <RowsPerDayChart days={days} />
        </QueryState>
      </CardBody>
    </Card>
  );
}

function Totals({ runs }: { runs: RunListItem[] }) {
  const since = subDays(new Date(), DAYS);
  const recent = runs.filter((r) => (r.startedAt ?? r.queuedAt) >= since);
  const sum = (pick: (r: RunListItem) => number) => recent.reduce((n, r) => n + pick(r), 0);
  const tiles = [
    { label: "Runs", value: recent.length },
    { label: "Rows created", value: sum((r) => r.counts.created) },
    { label: "Rows updated", value: sum((r) => r.counts.updated) },
    { label: "Rows invalid", value: sum((r) => r.counts.invalid) },
    { label: "Rows rejected", value: sum((r) => r.counts.rejected) },
    { label: "Failed runs", value: recent.filter((r) => r.status === "FAILED").length },
  ];
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label={`Totals of the last ${DAYS} days`}>
      {tiles.map((t) => (
        <li key={t.label} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{t.label}</p>
          <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{formatCount(t.value)}</p>
        </li>
      ))}
    </ul>
  );
}

/** /w/[slug]: the getting-started checklist, then recent runs across syncs and totals. */
export function OverviewPage() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const base = `/w/${workspace.slug}`;
  const connections = useQuery(trpc.connection.list.queryOptions({ workspaceId: workspace.id }));
  const syncs = useQuery(trpc.sync.list.queryOptions({ workspaceId: workspace.id }));
  const runs = useQuery({
    ...trpc.syncRun.list.queryOptions({ workspaceId: workspace.id, limit: 100 }),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => isRunActive(r.status)) ? 3000 : 30_000),
  });
  const hasSource = connections.data?.some((c) => c.kind === "source") ?? false;
  const hasDestination = connections.data?.some((c) => c.kind === "destination") ?? false;
  const firstSync = syncs.data?.[0];
  const runList = runs.data?.runs ?? [];
  const steps: ChecklistStep[] = [
    { title: "Connect a source", description: "The database, warehouse, sheet or files that hold your data.", done: hasSource, href: `${base}/connections/new?kind=source`, action: hasSource ? "Add another" : "+ New Source" },
    { title: "Connect a destination", description: "CleverTap or Customer.io, with its API credentials.", done: hasDestination, href: `${base}/connections/new?kind=destination`, action: hasDestination ? "Add another" : "+ New Destination" },
    { title: "Create a sync", description: "Choose a table or query, the destination object, the sync key and the field mappings.", done: !!firstSync, href: `${base}/syncs/new`, action: firstSync ? "Create another" : "Create a new Sync" },
    { title: "Run it", description: "Click Run Sync Now on the sync, or give it a schedule.", done: runList.length > 0, href: firstSync ? `${base}/syncs/${firstSync.id}` : `${base}/syncs`, action: runList.length ? "See runs" : "Run Sync Now" },
  ];

  return (
    <>
      <PageHeader title="Overview" description={`What ${workspace.name} sends, and how it went.`} />
      <QueryState isPending={connections.isPending || syncs.isPending || runs.isPending} error={connections.error ?? syncs.error ?? runs.error}>
        <div className="space-y-6">
          {steps.every((s) => s.done) ? null : <GettingStarted steps={steps} />}
          {runList.length ? (
            <>
              <Totals runs={runList} />
              <RowsPerDay />
              <Card>
                <CardHeader title="Recent runs" description="Across all syncs, newest first." />
                <RunsTable runs={runList.slice(0, 10)} slug={workspace.slug} showSync label="Recent runs" />
              </Card>
            </>
          ) : (
            <EmptyState icon={<Activity className="h-8 w-8" aria-hidden />} title="No runs yet" description="Runs of every sync show up here with their counts, once a sync has run." />
          )}
          {steps.every((s) => s.done) ? <GettingStarted steps={steps} /> : null}
        </div>
      </QueryState>
    </>
  );
}

"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { format, formatDistanceToNow } from "date-fns";
import { formatChangeValue } from "~/components/sync-runs/format-run";
import { ArrowLeft, Pencil, Play, RotateCcw, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { AlertDeliveriesCard } from "~/components/alerts/alert-deliveries-card";
import { AlertSettingsCard } from "~/components/alerts/alert-settings-card";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { RUN_FILTER_KEYS, RunFilters, toRunListFilter } from "~/components/sync-runs/run-filters";
import { RunsTable } from "~/components/sync-runs/runs-table";
import { isRunActive } from "~/components/sync-runs/sync-run-types";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { EmptyState } from "~/components/ui/empty-state";
import { Field, Input } from "~/components/ui/field";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useUrlQuery } from "~/components/ui/use-url-query";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { DryRunPanel } from "./dry-run-panel";
import { buildDefinition, readSyncView } from "./sync-form-values";
import { SyncHistory } from "./sync-history";
import { SyncRunsChart } from "./sync-runs-chart";
import { SyncSummary } from "./sync-summary";
import type { SyncView } from "./sync-types";

type Confirming = "resync" | "delete" | null;

function EnabledSwitch({ sync, disabled }: { sync: SyncView; disabled: boolean }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const update = useMutation(
    trpc.sync.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() }),
      onError: (e) => setError(e.message),
    }),
  );
  return (
    <div className="flex items-center gap-2">
      <button
        type="button"
        role="switch"
        aria-checked={sync.enabled}
        aria-label="Sync enabled"
        disabled={disabled || update.isPending}
        onClick={() => {
          setError(null);
          update.mutate({ workspaceId: workspace.id, syncId: sync.id, changes: { enabled: !sync.enabled } });
        }}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${sync.enabled ? "bg-brand-600" : "bg-slate-300"}`}
      >
        <span className={`inline-block h-5 w-5 transform rounded-full bg-white shadow transition-transform ${sync.enabled ? "translate-x-5" : "translate-x-0.5"}`} />
      </button>
      <span className="text-sm text-slate-700">{sync.enabled ? "Enabled" : "Disabled"}</span>
      {error ? (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function SyncRuns({ sync }: { sync: SyncView }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const [filters, setFilters] = useUrlQuery(RUN_FILTER_KEYS);
  const isFiltered = Object.values(filters).some(Boolean);
  const runs = useQuery({
    ...trpc.syncRun.list.queryOptions({ workspaceId: workspace.id, syncId: sync.id, limit: 20, ...toRunListFilter(filters) }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.runs.some((r) => isRunActive(r.status)) ? 2000 : 15_000),
  });
  return (
    <>
      {runs.data && runs.data.runs.length > 0 && !isFiltered ? (
        <Card className="mt-6">
          <CardHeader title="Rows per run" description="Created, updated and rejected rows of the latest runs. Unchanged rows are not sent." />
          <CardBody>
            <SyncRunsChart runs={runs.data.runs} />
          </CardBody>
        </Card>
      ) : null}
      <Card className="mt-6">
        <CardHeader title="Runs" description="Each run reads the model, sends only what changed, and explains every row it could not send." />
        {isFiltered || runs.data?.runs.length ? <RunFilters values={filters} onChange={setFilters} /> : null}
        <QueryState isPending={runs.isPending} error={runs.error}>
          {runs.data?.runs.length ? (
            <RunsTable runs={runs.data.runs} slug={workspace.slug} label={`Runs of ${sync.name}`} />
          ) : isFiltered ? (
            <p className="px-5 py-6 text-sm text-slate-500">No runs match these filters.</p>
          ) : (
            <div className="p-5">
              <EmptyState title="No runs yet" description="Click Run Sync Now to send the rows for the first time, or wait for the schedule." />
            </div>
          )}
        </QueryState>
      </Card>
    </>
  );
}

function SyncDetails({ sync, notice }: { sync: SyncView; notice: "created" | "saved" | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const canRun = workspace.can("syncs.run");
  const canWrite = workspace.can("syncs.write");
  const canQuery = workspace.can("models.query");
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const types = useQuery(trpc.connection.types.queryOptions({ workspaceId: workspace.id }));
  const object = types.data?.find((t) => t.id === sync.destination?.type)?.objects.find((o) => o.id === sync.object);
  const definition = buildDefinition(readSyncView(sync, "UTC"), { isEvent: object?.type === "event" || !!sync.event, supportsEventId: object?.supportsEventId ?? !!sync.event?.idColumn });

  const request = useMutation(
    trpc.syncRun.request.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.syncRun.pathKey() });
        router.push(`/w/${workspace.slug}/syncs/${sync.id}/runs/${result.runId}${result.alreadyRunning ? "?already=1" : ""}`);
      },
      onError: (e) => setActionError(e.message),
    }),
  );
  const remove = useMutation(
    trpc.sync.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() });
        router.push(`/w/${workspace.slug}/syncs`);
      },
      onError: (e) => {
        setConfirming(null);
        setActionError(e.message);
      },
    }),
  );
  const run = (fullResync: boolean, confirmName?: string) => {
    setActionError(null);
    request.mutate({ workspaceId: workspace.id, syncId: sync.id, fullResync, confirmName });
  };
  const history = useQuery(trpc.sync.history.queryOptions({ workspaceId: workspace.id, syncId: sync.id }));
  const mappingChange = history.data?.mappingsChangedSinceLastRun;
  const impact = useQuery({ ...trpc.sync.fullResyncImpact.queryOptions({ workspaceId: workspace.id, syncId: sync.id }), enabled: confirming === "resync" });
  const [typedName, setTypedName] = useState("");
  const needsTypedName = !!impact.data?.duplicatesEvents && impact.data.sentRecords > 0;
  const running = sync.lastRun && isRunActive(sync.lastRun.status);

  return (
    <>
      <PageHeader
        title={sync.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-1.5">
            {sync.source?.name ?? "Deleted source"} → {sync.destination?.name ?? "Deleted destination"} <Badge>{object?.label ?? sync.object}</Badge>
          </span>
        }
        actions={
          <>
            {canWrite ? (
              <Link href={`/w/${workspace.slug}/syncs/${sync.id}/edit`} className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">
                <Pencil className="h-4 w-4" aria-hidden /> Edit
              </Link>
            ) : null}
            {canRun ? (
              <>
                <Button variant="secondary" onClick={() => setConfirming("resync")} disabled={request.isPending}>
                  <RotateCcw className="h-4 w-4" aria-hidden /> Full resync
                </Button>
                <Button onClick={() => run(false)} isLoading={request.isPending && confirming === null}>
                  <Play className="h-4 w-4" aria-hidden /> Run Sync Now
                </Button>
              </>
            ) : null}
          </>
        }
      />
      {notice === "created" ? (
        <Alert tone="success" className="mb-4" title="Sync created">
          {sync.schedule.type === "manual" ? "Click Run Sync Now to send the rows for the first time." : `It runs ${sync.scheduleDescription.toLowerCase()}; click Run Sync Now to send the rows right away.`}
        </Alert>
      ) : notice === "saved" ? (
        <Alert tone="success" className="mb-4">
          Changes saved. The next run uses them.
        </Alert>
      ) : null}
      {mappingChange && canRun ? (
        <Alert tone="info" className="mb-4" title="Mappings changed since the last successful run">
          <p>
            Changed: {mappingChange.fields.join(", ")}. <strong>Resync changed fields</strong> reads every row (with change tracking too: the next run after a mapping change is a
            full compare) and sends only the rows whose payload is now different; rows that look the same are not sent again. Use a full resync only when the destination lost data.
          </p>
          <Button size="sm" className="mt-2" onClick={() => run(false)} isLoading={request.isPending && confirming === null} disabled={!!running}>
            <Play className="h-3.5 w-3.5" aria-hidden /> Resync changed fields
          </Button>
        </Alert>
      ) : null}
      {actionError ? (
        <Alert className="mb-4" title="That did not work">
          {actionError}
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <Card>
          <CardHeader title="Sync details" />
          <CardBody>
            <SyncSummary definition={definition} names={{ source: sync.source?.name, destination: sync.destination?.name, object, scheduleDescription: sync.scheduleDescription }} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Status" />
          <CardBody className="space-y-3 text-sm">
            <EnabledSwitch sync={sync} disabled={!canWrite} />
            <dl className="space-y-2">
              <div>
                <dt className="text-slate-500">Schedule</dt>
                <dd className="text-slate-900">{sync.scheduleDescription}</dd>
              </div>
              {sync.changeTracking ? (
                <div data-testid="sync-watermark">
                  <dt className="text-slate-500">Change tracking</dt>
                  <dd className="text-slate-900">
                    {sync.watermark ? `Read up to ${sync.changeTracking.column} ${formatChangeValue(sync.watermark)}` : "The next run reads every row"}
                    {sync.lastFullCompareAt ? <span className="block text-xs text-slate-500">Last full compare {formatDistanceToNow(sync.lastFullCompareAt, { addSuffix: true })}</span> : null}
                  </dd>
                </div>
              ) : null}
              <div>
                <dt className="text-slate-500">Next run</dt>
                <dd className="text-slate-900">
                  {running ? "Running now" : !sync.enabled ? "None while disabled" : sync.nextRunAt ? <span title={format(sync.nextRunAt, "PPpp")}>{formatDistanceToNow(sync.nextRunAt, { addSuffix: true })}</span> : "When you click Run Sync Now"}
                </dd>
              </div>
              <div>
                <dt className="text-slate-500">Created</dt>
                <dd className="text-slate-900">{format(sync.createdAt, "PP")}</dd>
              </div>
            </dl>
            {canWrite ? (
              <Button variant="ghost" size="sm" className="text-red-700" onClick={() => setConfirming("delete")}>
                <Trash2 className="h-3.5 w-3.5" aria-hidden /> Delete sync
              </Button>
            ) : null}
          </CardBody>
        </Card>
      </div>
      {canQuery ? (
        <Card className="mt-6">
          <CardHeader title="Dry run" />
          <CardBody>
            <DryRunPanel
              getTarget={() => ({ syncId: sync.id })}
              description="See what the next run would do, row by row: the exact payload for up to 50 rows and whether each is created, updated, unchanged or invalid. Nothing is sent and nothing changes."
            />
          </CardBody>
        </Card>
      ) : null}
      <SyncRuns sync={sync} />
      {workspace.can("alerts.read") ? (
        <>
          <AlertSettingsCard syncId={sync.id} />
          <AlertDeliveriesCard syncId={sync.id} />
        </>
      ) : null}
      <SyncHistory syncId={sync.id} />
      <ConfirmDialog
        open={confirming === "resync"}
        title="Run a full resync?"
        confirmLabel="Run full resync"
        tone={needsTypedName ? "danger" : "primary"}
        isLoading={request.isPending || impact.isPending}
        confirmDisabled={needsTypedName && typedName.trim() !== sync.name}
        onCancel={() => {
          setConfirming(null);
          setTypedName("");
        }}
        onConfirm={() => {
          setConfirming(null);
          setTypedName("");
          run(true, needsTypedName ? typedName : undefined);
        }}
      >
        <p>A full resync clears what was sent; every row is sent again, as if the sync were new. Use it after the destination lost data or you changed it by hand.</p>
        {needsTypedName && impact.data ? (
          <div className="mt-3 space-y-3">
            <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900" data-testid="resync-duplicates">
              {impact.data.destinationLabel} cannot de-duplicate events: the {impact.data.sentRecords.toLocaleString()} events this sync already sent will be sent again and appear twice.
            </p>
            <Field id="confirm-resync-name" label={`Type ${sync.name} to confirm`}>
              <Input id="confirm-resync-name" autoComplete="off" value={typedName} onChange={(e) => setTypedName(e.target.value)} />
            </Field>
          </div>
        ) : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming === "delete"}
        title={`Delete ${sync.name}?`}
        confirmLabel="Delete sync"
        tone="danger"
        isLoading={remove.isPending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => remove.mutate({ workspaceId: workspace.id, syncId: sync.id })}
      >
        The sync, its runs and its record of what was sent are deleted. Data already in {sync.destination?.name ?? "the destination"} stays there.
      </ConfirmDialog>
    </>
  );
}

/** /w/[slug]/syncs/[syncId]: the definition, Run Sync Now, Full resync, enable/disable, edit, delete, runs and a chart. */
export function SyncPage({ syncId, notice }: { syncId: string; notice: "created" | "saved" | null }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const sync = useQuery({
    ...trpc.sync.get.queryOptions({ workspaceId: workspace.id, syncId }),
    refetchInterval: (query) => (query.state.data?.lastRun && isRunActive(query.state.data.lastRun.status) ? 2000 : 30_000),
  });
  return (
    <>
      <Link href={`/w/${workspace.slug}/syncs`} className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
        <ArrowLeft className="h-4 w-4" aria-hidden /> Syncs
      </Link>
      <QueryState isPending={sync.isPending} error={sync.error}>
        {sync.data ? <SyncDetails sync={sync.data} notice={notice} /> : null}
      </QueryState>
    </>
  );
}

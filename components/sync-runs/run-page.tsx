"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { format } from "date-fns";
import { ArrowLeft, Square } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";
import { PageHeader } from "~/components/ui/page-header";
import { ProgressBar } from "~/components/ui/progress-bar";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { formatChangeValue, formatCount, formatDuration, formatTrigger, formatTriggeredBy } from "./format-run";
import { RunErrorsTable } from "./run-errors-table";
import { RunLog } from "./run-log";
import { RunStatusBadge } from "./run-status-badge";
import { isAwaitingVerification, isRunActive, type RunCounts, type RunDetail, type RunWarning } from "./sync-run-types";
import { VerificationPanel } from "./verification-panel";

/** The page's one poll: the run itself. The log and the record errors reload when it says something moved. */
const POLL_MS = 1500;

/** Everything a run's progress changes on this page; when it differs from the last answer, the panels reload together. */
function runRevision(run: RunDetail): string {
  const c = run.counts;
  return [run.status, run.attempt, run.pagesCommitted, c.read, c.invalid, c.unchanged, c.created, c.updated, c.rejected, c.retried, run.lastLogId, run.verification ? 1 : 0].join(":");
}

const TILES: { key: keyof RunCounts; label: string; help: string; tone?: string }[] = [
  { key: "read", label: "Read", help: "Rows read from the model" },
  { key: "invalid", label: "Invalid", help: "Not sent: empty or repeated key, or a value that breaks a rule" },
  { key: "unchanged", label: "Unchanged", help: "Same as last accepted; not sent" },
  { key: "created", label: "Created", help: "Sent for the first time by this sync" },
  { key: "updated", label: "Updated", help: "Changed since last accepted, or sent as Update Only" },
  { key: "rejected", label: "Rejected", help: "Refused by the destination; retried next run", tone: "text-red-700" },
  { key: "retried", label: "Retried", help: "Rejected last time, sent again" },
];
// Shown only when a mapping dropped values: most syncs never use the policy.
const DROPPED_TILE = { key: "fieldsDropped", label: "Fields dropped", help: "Values left out under a mapping's \"drop this field\" policy; their rows were sent", tone: "text-amber-700" } as const;

function CountTiles({ counts }: { counts: RunCounts }) {
  return (
    <ul className={`grid grid-cols-2 gap-3 sm:grid-cols-4 ${counts.fieldsDropped ? "lg:grid-cols-8" : "lg:grid-cols-7"}`} aria-label="Row counts">
      {(counts.fieldsDropped ? [...TILES, DROPPED_TILE] : TILES).map((t) => (
        <li key={t.key} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm" data-testid={`count-${t.key}`} title={t.help}>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{t.label}</p>
          <p className={`mt-1 text-2xl font-semibold tabular-nums ${counts[t.key] && t.tone ? t.tone : "text-slate-900"}`} data-testid={`count-${t.key}-value`}>
            {formatCount(counts[t.key])}
          </p>
        </li>
      ))}
    </ul>
  );
}

function Progress({ run }: { run: RunDetail }) {
  const text =
    run.status === "QUEUED"
      ? "Waiting for a runner…"
      : run.totalRows === null
        ? `${formatCount(run.counts.read)} rows read`
        : `${formatCount(run.counts.read)} of ${formatCount(run.totalRows)} rows read`;
  return (
    <div className="space-y-1.5">
      <div className="flex justify-between text-sm text-slate-600">
        <span>{text}</span>
        {run.progress !== null && run.status === "RUNNING" ? <span className="tabular-nums">{Math.round(run.progress * 100)}%</span> : null}
      </div>
      <ProgressBar label="Run progress" value={run.status === "QUEUED" ? null : run.progress} valueText={text} />
    </div>
  );
}

function RunWarnings({ warnings }: { warnings: RunWarning[] }) {
  if (!warnings.length) return null;
  return (
    <Alert tone="warning" className="mb-4" title={warnings.length === 1 ? "Worth a look" : `${warnings.length} things worth a look`}>
      <ul className="space-y-1" data-testid="run-warnings">
        {warnings.map((w) => (
          <li key={w.code}>{w.message}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** Syncs with change tracking: what the run read, so its counts are read against the right set of rows. */
function ReadModeNote({ read }: { read: NonNullable<RunDetail["read"]> }) {
  return (
    <p className="mb-3 text-sm text-slate-600" data-testid="run-read-mode">
      {read.mode === "incremental" ? (
        <>
          <span className="font-medium text-slate-900">Incremental read</span>
          {read.since ? (
            <>
              : rows with <code className="rounded bg-slate-100 px-1">{read.since.column}</code> after {formatChangeValue(read.since.value)}
            </>
          ) : null}
          . Rows it did not read were not compared, so they are not counted as unchanged.
        </>
      ) : (
        <>
          <span className="font-medium text-slate-900">Full compare</span>: every row of the model was read and compared.
        </>
      )}
    </p>
  );
}

function RunDetails({ run, syncId, alreadyRunning, revision }: { run: RunDetail; syncId: string; alreadyRunning: boolean; revision: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const [cancelMessage, setCancelMessage] = useState<{ tone: "info" | "error"; text: string } | null>(null);
  const active = isRunActive(run.status);
  const cancel = useMutation(
    trpc.syncRun.cancel.mutationOptions({
      onSuccess: async (result) => {
        setCancelMessage({ tone: "info", text: result.outcome === "cancelled" ? "The run was cancelled before it started." : "Cancel requested: the run stops after the page in progress. Rows already sent stay sent." });
        await queryClient.invalidateQueries({ queryKey: trpc.syncRun.pathKey() });
      },
      onError: (e) => setCancelMessage({ tone: "error", text: e.message }),
    }),
  );
  const at = run.startedAt ?? run.queuedAt;
  const by = formatTriggeredBy(run.triggeredBy);

  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            Run of {run.syncName} <RunStatusBadge status={run.status} />
          </span>
        }
        description={`${formatTrigger(run.trigger)}${by ? ` by ${by}` : ""}${run.fullResync ? " · full resync" : ""} · ${run.startedAt ? "started" : "queued"} ${format(at, "PPpp")} · ${run.finishedAt ? `took ${formatDuration(run.durationMs)}` : active ? `running for ${formatDuration(run.durationMs)}` : ""}`}
        actions={
          active && workspace.can("syncs.run") ? (
            <Button variant="secondary" onClick={() => cancel.mutate({ workspaceId: workspace.id, runId: run.id })} isLoading={cancel.isPending} disabled={run.cancelRequested}>
              <Square className="h-4 w-4" aria-hidden /> {run.cancelRequested ? "Cancelling…" : "Cancel run"}
            </Button>
          ) : null
        }
      />
      {alreadyRunning ? (
        <Alert tone="info" className="mb-4">
          This sync was already running, so no second run was started: this is the run in progress.
        </Alert>
      ) : null}
      {cancelMessage ? (
        <Alert tone={cancelMessage.tone} className="mb-4">
          {cancelMessage.text}
        </Alert>
      ) : null}
      {run.error ? (
        <Alert className="mb-4" title={run.status === "FAILED" ? "The run failed" : "The run reported a problem"}>
          {run.error}
        </Alert>
      ) : null}
      <RunWarnings warnings={run.warnings} />
      {active ? (
        <Card className="mb-4">
          <CardBody>
            <Progress run={run} />
          </CardBody>
        </Card>
      ) : null}
      {run.read ? <ReadModeNote read={run.read} /> : null}
      <CountTiles counts={run.counts} />
      {run.verification ? <VerificationPanel verification={run.verification} /> : null}
      <RunErrorsTable runId={run.id} status={run.status} />
      <RunLog key={run.id} runId={run.id} revision={revision} />
      <p className="mt-6 text-xs text-slate-500">
        Run {run.id}
        {run.attempt > 1 ? ` · attempt ${run.attempt} (retried after a transient error, or resumed after its process stopped)` : ""} ·{" "}
        <Link href={`/w/${workspace.slug}/syncs/${syncId}`} className="underline">
          back to the sync
        </Link>
      </p>
    </>
  );
}

/**
 * Polls the run until it is final, then once more, stopping when that answer agrees (a last log line or
 * the verification may land just after the status). Answers the run query and its revision.
 */
function useLiveRun(runId: string) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  // The first answer that showed the run final: its revision and when it arrived.
  const firstFinal = useRef<{ revision: string; at: number } | null>(null);
  const run = useQuery({
    ...trpc.syncRun.get.queryOptions({ workspaceId: workspace.id, runId }),
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data || isRunActive(data.status) || isAwaitingVerification(data)) return POLL_MS;
      const revision = runRevision(data);
      if (firstFinal.current?.revision !== revision) {
        firstFinal.current = { revision, at: query.state.dataUpdatedAt };
        return POLL_MS;
      }
      return query.state.dataUpdatedAt > firstFinal.current.at ? false : POLL_MS;
    },
  });
  return { run, revision: run.data ? runRevision(run.data) : null };
}

/** /w/[slug]/syncs/[syncId]/runs/[runId]: status, live progress, counts, log, record errors, verification, cancel. */
export function RunPage({ syncId, runId, alreadyRunning }: { syncId: string; runId: string; alreadyRunning: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const { run, revision } = useLiveRun(runId);
  // Coordinated refresh: whenever the run moved, its record errors reload with it (the log follows `revision` itself).
  const seenRevision = useRef<string | null>(null);
  useEffect(() => {
    if (!revision) return;
    if (seenRevision.current !== null && seenRevision.current !== revision) {
      void queryClient.invalidateQueries({ queryKey: trpc.syncRun.errors.queryKey({ workspaceId: workspace.id, runId }) });
      void queryClient.invalidateQueries({ queryKey: trpc.syncRun.errorGroups.queryKey({ workspaceId: workspace.id, runId }) });
    }
    seenRevision.current = revision;
  }, [revision, queryClient, trpc, workspace.id, runId]);
  // When the run ends, the lists elsewhere (sync page, Syncs, Overview) are out of date: refresh them.
  const wasActive = useRef(false);
  const status = run.data?.status;
  useEffect(() => {
    if (!status) return;
    if (isRunActive(status)) wasActive.current = true;
    else if (wasActive.current) {
      wasActive.current = false;
      void queryClient.invalidateQueries({ queryKey: trpc.syncRun.list.queryKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() });
    }
  }, [status, queryClient, trpc]);
  return (
    <>
      <Link href={`/w/${workspace.slug}/syncs/${syncId}`} className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
        <ArrowLeft className="h-4 w-4" aria-hidden /> {run.data?.syncName ?? "Sync"}
      </Link>
      <QueryState isPending={run.isPending} error={run.error}>
        {run.data && revision ? <RunDetails run={run.data} syncId={syncId} alreadyRunning={alreadyRunning} revision={revision} /> : null}
      </QueryState>
    </>
  );
}

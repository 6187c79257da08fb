"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useEffect, useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { Input, Select } from "~/components/ui/field";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { formatCount } from "./format-run";
import { isRunActive, type RunErrorGroup, type RunErrorKind, type RunStatus } from "./sync-run-types";

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;
/** The field filter's value for errors that name no field (a select option needs a string). */
const NO_FIELD = "\u0000none";
const KINDS: { kind: RunErrorKind | undefined; label: string; help: string }[] = [
  { kind: undefined, label: "All", help: "" },
  { kind: "INVALID", label: "Invalid", help: "Not sent: the row broke a rule before sending (empty or repeated key, a value that does not convert, a destination limit)." },
  { kind: "REJECTED", label: "Rejected", help: "Sent, but the destination refused it. Rejected rows are retried on the next run." },
  { kind: "DROPPED_FIELD", label: "Dropped fields", help: "Sent without this field: its value was invalid and the mapping says to drop the field and send the rest. The row is not counted as invalid." },
];

const KIND_BADGES: Record<RunErrorKind, { label: string; tone: "red" | "amber" | "gray" }> = {
  INVALID: { label: "Invalid", tone: "amber" },
  REJECTED: { label: "Rejected", tone: "red" },
  DROPPED_FIELD: { label: "Field dropped", tone: "gray" },
};

type Filter = { kind?: RunErrorKind; field?: string | null; reasonGroup?: string; search?: string };

function formatShare(share: number | null): string {
  if (share === null) return "—";
  const percent = share * 100;
  if (percent > 0 && percent < 0.1) return "<0.1%";
  return `${percent.toFixed(percent < 10 ? 1 : 0)}%`;
}

function csvHref(workspaceId: string, runId: string, filter: Filter): string {
  const query = new URLSearchParams();
  if (filter.kind) query.set("kind", filter.kind.toLowerCase());
  if (filter.field !== undefined) query.set("field", filter.field ?? "");
  if (filter.reasonGroup !== undefined) query.set("group", filter.reasonGroup);
  if (filter.search) query.set("search", filter.search);
  const qs = query.toString();
  return `/api/workspaces/${encodeURIComponent(workspaceId)}/runs/${encodeURIComponent(runId)}/errors.csv${qs ? `?${qs}` : ""}`;
}

/** Errors grouped by kind, field and reason, largest first; choosing one narrows the list below to it. */
function ErrorGroups({ runId, selected, onSelect }: { runId: string; selected: Filter; onSelect: (group: RunErrorGroup | null) => void }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const groups = useQuery(trpc.syncRun.errorGroups.queryOptions({ workspaceId: workspace.id, runId }));
  const data = groups.data;
  if (!data || data.groups.length === 0) return null;
  const isSelected = (g: RunErrorGroup) => selected.reasonGroup === g.reasonGroup && selected.field === g.field && selected.kind === g.kind;
  return (
    <div className="border-b border-slate-100">
      <h3 className="px-5 pt-3 text-sm font-semibold text-slate-800">By field and reason</h3>
      <p className="px-5 pb-2 text-xs text-slate-500">
        {formatCount(data.errorCount)} {data.errorCount === 1 ? "error" : "errors"} in {formatCount(data.groupCount)} {data.groupCount === 1 ? "group" : "groups"}, of{" "}
        {formatCount(data.rowsRead)} rows read ({formatCount(data.rowsInvalid)} invalid, {formatCount(data.rowsRejected)} rejected). A row with several problems is in each of
        its groups.
        {data.groupCount > data.groups.length ? ` The ${data.groups.length} largest groups are shown.` : ""}
      </p>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[40rem] text-sm" aria-label="Record errors by field and reason">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-5 py-2 text-right font-medium">Rows</th>
              <th className="px-3 py-2 text-right font-medium">Share of run</th>
              <th className="px-3 py-2 font-medium">Kind</th>
              <th className="px-3 py-2 font-medium">Field</th>
              <th className="px-3 py-2 font-medium">Reason</th>
              <th className="px-5 py-2 font-medium">
                <span className="sr-only">Show these rows</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {data.groups.map((g) => (
              <tr key={`${g.kind}\u0000${g.field ?? ""}\u0000${g.reasonGroup}`} className={clsx("align-top", isSelected(g) && "bg-brand-50")} data-testid="error-group">
                <td className="whitespace-nowrap px-5 py-2 text-right font-medium tabular-nums text-slate-900" data-testid="error-group-count">
                  {formatCount(g.count)}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums text-slate-600">{formatShare(g.share)}</td>
                <td className="px-3 py-2">
                  <Badge tone={KIND_BADGES[g.kind].tone}>{KIND_BADGES[g.kind].label}</Badge>
                </td>
                <td className="px-3 py-2 text-slate-700">{g.field ?? "—"}</td>
                <td className="max-w-lg px-3 py-2 text-slate-800">
                  {g.reasonGroup}
                  {g.count > 1 && g.example !== g.reasonGroup ? <span className="mt-0.5 block text-xs text-slate-500">e.g. {g.example}</span> : null}
                </td>
                <td className="whitespace-nowrap px-5 py-2 text-right">
                  <Button variant="secondary" size="sm" aria-pressed={isSelected(g)} onClick={() => onSelect(isSelected(g) ? null : g)}>
                    {isSelected(g) ? "Showing" : "Show rows"}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * Record-level errors of a run: grouped by field and reason with counts and shares, then every error
 * (key or row position and values, field, reason, destination code), filtered by kind, field, group
 * and a key search, paged, and downloadable as CSV with the same filters.
 */
/** What an empty, unfiltered list means depends on how the run went: only a run that finished sent everything. */
function describeNoErrors(status: RunStatus): string {
  if (isRunActive(status)) return "No record errors so far.";
  if (status === "FAILED") return "No record errors were recorded before the run failed. See the error above and the log for what stopped it.";
  if (status === "CANCELLED") return "No record errors were recorded before the run was cancelled.";
  return "No record errors: every row read was sent and accepted, or was unchanged.";
}

/**
 * Record-level errors of a run, grouped, filtered, searched and paged. It does not poll: the run page
 * reloads the errors and their groups whenever the run's counts move (one poll for the whole page).
 */
export function RunErrorsTable({ runId, status }: { runId: string; status: RunStatus }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const [filter, setFilter] = useState<Filter>({});
  const [searchText, setSearchText] = useState("");
  // Cursors of the pages before the current one, so Previous can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const errors = useQuery({
    ...trpc.syncRun.errors.queryOptions({ workspaceId: workspace.id, runId, ...filter, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const groups = useQuery(trpc.syncRun.errorGroups.queryOptions({ workspaceId: workspace.id, runId }));

  const update = (next: Filter) => {
    setFilter(next);
    setCursors([undefined]);
  };
  useEffect(() => {
    const timer = setTimeout(() => {
      const search = searchText.trim() || undefined;
      if (search !== filter.search) update({ ...filter, search });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchText, filter]);

  const totals = errors.data?.totals;
  const total = totals ? totals.INVALID + totals.REJECTED + totals.DROPPED_FIELD : 0;
  const current = KINDS.find((f) => f.kind === filter.kind);
  const fields = [...new Set((groups.data?.groups ?? []).map((g) => g.field))];
  const fieldValue = filter.field === undefined ? "" : filter.field === null ? NO_FIELD : filter.field;
  const isFiltered = Boolean(filter.kind || filter.field !== undefined || filter.reasonGroup !== undefined || filter.search);

  return (
    <Card className="mt-6">
      <CardHeader
        title="Record errors"
        description="Every row this run could not send, and why."
        actions={
          total > 0 ? (
            <a
              href={csvHref(workspace.id, runId, filter)}
              download
              className="inline-flex items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-xs font-medium text-slate-800 hover:bg-slate-50"
            >
              Download CSV{isFiltered ? " (filtered)" : ""}
            </a>
          ) : null
        }
      />
      {total > 0 ? (
        <ErrorGroups
          runId={runId}
          selected={filter}
          onSelect={(g) => (g ? update({ ...filter, kind: g.kind, field: g.field, reasonGroup: g.reasonGroup }) : update({ ...filter, kind: undefined, field: undefined, reasonGroup: undefined }))}
        />
      ) : null}
      {total > 0 ? (
        <div className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-5 py-3">
          <div role="group" aria-label="Filter errors by kind" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
            {KINDS.filter((f) => f.kind !== "DROPPED_FIELD" || (totals?.DROPPED_FIELD ?? 0) > 0 || filter.kind === f.kind).map((f) => {
              const count = !totals ? null : f.kind ? totals[f.kind] : total;
              return (
                <button
                  key={f.label}
                  type="button"
                  aria-pressed={filter.kind === f.kind}
                  onClick={() => update({ ...filter, kind: f.kind, reasonGroup: undefined })}
                  className={clsx("rounded px-2.5 py-1 text-xs font-medium", filter.kind === f.kind ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100")}
                >
                  {f.label}
                  {count !== null ? ` (${formatCount(count)})` : ""}
                </button>
              );
            })}
          </div>
          <label className="flex items-center gap-2 text-xs text-slate-600">
            Field
            <Select
              aria-label="Filter errors by field"
              className="w-auto py-1 text-xs"
              value={fieldValue}
              onChange={(e) => {
                const value = e.target.value;
                update({ ...filter, reasonGroup: undefined, field: value === "" ? undefined : value === NO_FIELD ? null : value });
              }}
            >
              <option value="">Any field</option>
              {fields.map((f) => (
                <option key={f ?? NO_FIELD} value={f ?? NO_FIELD}>
                  {f ?? "(no field)"}
                </option>
              ))}
            </Select>
          </label>
          <Input
            type="search"
            aria-label="Search errors by record key"
            placeholder="Search by key"
            className="w-full max-w-56 py-1 text-xs"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
          />
          {filter.reasonGroup !== undefined ? (
            <span className="inline-flex max-w-full items-center gap-1 rounded-full bg-brand-50 px-2.5 py-1 text-xs text-brand-700">
              <span className="truncate">Group: {filter.reasonGroup}</span>
              <button type="button" className="font-semibold" aria-label="Show every group" onClick={() => update({ ...filter, reasonGroup: undefined })}>
                ×
              </button>
            </span>
          ) : null}
          {isFiltered ? (
            <Button
              variant="ghost"
              size="sm"
              onClick={() => {
                setSearchText("");
                update({});
              }}
            >
              Clear filters
            </Button>
          ) : null}
        </div>
      ) : null}
      {current?.help ? <p className="border-b border-slate-100 px-5 py-2 text-xs text-slate-500">{current.help}</p> : null}
      <QueryState isPending={errors.isPending} error={errors.error}>
        {errors.data?.errors.length ? (
          <>
            {isFiltered ? (
              <p className="px-5 pt-2 text-xs text-slate-500" data-testid="matching-errors">
                {formatCount(errors.data.matching)} matching {errors.data.matching === 1 ? "error" : "errors"}
              </p>
            ) : null}
            <div className="overflow-x-auto">
              <table className="w-full min-w-[44rem] text-sm" aria-label="Record errors">
                <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-5 py-2 font-medium">Record</th>
                    <th className="px-3 py-2 font-medium">Kind</th>
                    <th className="px-3 py-2 font-medium">Field</th>
                    <th className="px-3 py-2 font-medium">Reason</th>
                    <th className="px-5 py-2 font-medium">Destination code</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {errors.data.errors.map((e) => (
                    <tr key={e.id} className="align-top">
                      <td className="max-w-xs px-5 py-2 text-xs">
                        {e.recordKey !== null ? <span className="whitespace-nowrap font-mono">{e.recordKey}</span> : <span className="italic text-slate-500">no key</span>}
                        {e.rowNumber !== null ? <span className="block text-slate-500">row {formatCount(e.rowNumber)}</span> : null}
                        {e.rowValues ? <span className="block break-words font-mono text-slate-500">{e.rowValues}</span> : null}
                      </td>
                      <td className="px-3 py-2">
                        <Badge tone={KIND_BADGES[e.kind].tone}>{KIND_BADGES[e.kind].label}</Badge>
                      </td>
                      <td className="px-3 py-2 text-slate-700">{e.field ?? "—"}</td>
                      <td className="max-w-lg px-3 py-2 text-slate-800">{e.reason}</td>
                      <td className="px-5 py-2 font-mono text-xs text-slate-600">{e.code ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {cursors.length > 1 || errors.data.nextCursor ? (
              <nav aria-label="Error pages" className="flex items-center justify-between border-t border-slate-100 px-5 py-2 text-xs text-slate-500">
                <span>
                  Page {cursors.length} of {formatCount(Math.max(1, Math.ceil(errors.data.matching / PAGE_SIZE)))}
                </span>
                <span className="flex gap-2">
                  <Button variant="secondary" size="sm" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                    Previous
                  </Button>
                  <Button variant="secondary" size="sm" disabled={!errors.data.nextCursor} onClick={() => setCursors((c) => [...c, errors.data?.nextCursor ?? undefined])}>
                    Next
                  </Button>
                </span>
              </nav>
            ) : null}
          </>
        ) : (
          <p className="px-5 py-6 text-sm text-slate-500">
            {isFiltered ? "No record errors match these filters." : describeNoErrors(status)}
          </p>
        )}
      </QueryState>
    </Card>
  );
}

import { format } from "date-fns";
import Link from "next/link";
import { formatCount, formatDuration, formatTrigger, formatTriggeredBy } from "./format-run";
import { RunStatusBadge } from "./run-status-badge";
import type { RunListItem } from "./sync-run-types";

/** Runs, newest first; each row links to its run page. `showSync` (Overview) adds the sync's name and leaves out trigger and unchanged. */
export function RunsTable({ runs, slug, showSync = false, label }: { runs: RunListItem[]; slug: string; showSync?: boolean; label: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[44rem] text-sm" aria-label={label}>
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-5 py-2 font-medium">Run</th>
            {showSync ? <th className="px-3 py-2 font-medium">Sync</th> : null}
            <th className="px-3 py-2 font-medium">Status</th>
            {showSync ? null : <th className="px-3 py-2 font-medium">Trigger</th>}
            <th className="px-3 py-2 text-right font-medium">Read</th>
            <th className="px-3 py-2 text-right font-medium">Created</th>
            <th className="px-3 py-2 text-right font-medium">Updated</th>
            {showSync ? null : <th className="px-3 py-2 text-right font-medium">Unchanged</th>}
            <th className="px-3 py-2 text-right font-medium">Invalid</th>
            <th className="px-3 py-2 text-right font-medium">Rejected</th>
            <th className="px-5 py-2 text-right font-medium">Duration</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((run) => {
            const at = run.startedAt ?? run.queuedAt;
            return (
              <tr key={run.id} data-testid={`run-row-${run.id}`}>
                <td className="whitespace-nowrap px-5 py-2.5">
                  <Link href={`/w/${slug}/syncs/${run.syncId}/runs/${run.id}`} className="font-medium text-brand-700 hover:underline" title={format(at, "PPpp")}>
                    {format(at, "MMM d, HH:mm:ss")}
                  </Link>
                </td>
                {showSync ? (
                  <td className="max-w-[14rem] truncate px-3 py-2.5">
                    <Link href={`/w/${slug}/syncs/${run.syncId}`} className="text-slate-700 hover:underline">
                      {run.syncName}
                    </Link>
                  </td>
                ) : null}
                <td className="whitespace-nowrap px-3 py-2.5">
                  <RunStatusBadge status={run.status} />
                </td>
                {showSync ? null : (
                  <td className="px-3 py-2.5 text-slate-600">
                    <span className="whitespace-nowrap">{formatTrigger(run.trigger, run.fullResync)}</span>
                    {run.triggeredBy.kind === "user" || run.triggeredBy.kind === "api_token" ? (
                      <span className="block max-w-[12rem] truncate text-xs text-slate-500">{formatTriggeredBy(run.triggeredBy)}</span>
                    ) : null}
                  </td>
                )}
                <td className="px-3 py-2.5 text-right tabular-nums">{formatCount(run.counts.read)}</td>
                <td className="px-3 py-2.5 text-right tabular-nums">{formatCount(run.counts.created)}</td>
                <td className="px-3 py-2.5 text-right tabular-nums">{formatCount(run.counts.updated)}</td>
                {showSync ? null : <td className="px-3 py-2.5 text-right tabular-nums text-slate-500">{formatCount(run.counts.unchanged)}</td>}
                <td className="px-3 py-2.5 text-right tabular-nums">{formatCount(run.counts.invalid)}</td>
                <td className={`px-3 py-2.5 text-right tabular-nums ${run.counts.rejected ? "text-red-700" : ""}`}>{formatCount(run.counts.rejected)}</td>
                <td className="whitespace-nowrap px-5 py-2.5 text-right text-slate-600">{formatDuration(run.durationMs)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
import { useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardHeader } from "~/components/ui/card";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { formatCount } from "./format-run";
import { isRunActive, type RunErrorKind, type RunStatus } from "./sync-run-types";

const PAGE_SIZE = 50;
const FILTERS: { kind: RunErrorKind | undefined; label: string; help: string }[] = [
  { kind: undefined, label: "All", help: "" },
  { kind: "INVALID", label: "Invalid", help: "Not sent: the row broke a rule before sending (empty or repeated key, a value that does not convert, a destination limit)." },
  { kind: "REJECTED", label: "Rejected", help: "Sent, but the destination refused it. Rejected rows are retried on the next run." },
];

/** What an empty, unfiltered list means depends on how the run went: only a run that finished sent everything. */
function describeNoErrors(status: RunStatus): string {
  if (isRunActive(status)) return "No record errors so far.";
  if (status === "FAILED") return "No record errors were recorded before the run failed. See the error above and the log for what stopped it.";
  if (status === "CANCELLED") return "No record errors were recorded before the run was cancelled.";
  return "No record errors: every row read was sent and accepted, or was unchanged.";
}

/**
 * Record-level errors of a run: key, field, reason, destination code; filtered by kind and paged. It does
 * not poll: the run page reloads it whenever the run's counts move (one poll for the whole page).
 */
export function RunErrorsTable({ runId, status }: { runId: string; status: RunStatus }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const [kind, setKind] = useState<RunErrorKind | undefined>(undefined);
  // Cursors of the pages before the current one, so Previous can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const errors = useQuery({
    ...trpc.syncRun.errors.queryOptions({ workspaceId: workspace.id, runId, kind, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const totals = errors.data?.totals;
  const total = totals ? totals.INVALID + totals.REJECTED : 0;
  const choose = (next: RunErrorKind | undefined) => {
    setKind(next);
    setCursors([undefined]);
  };
  const current = FILTERS.find((f) => f.kind === kind);

  return (
    <Card className="mt-6">
      <CardHeader
        title="Record errors"
        description="Every row this run could not send, and why."
        actions={
          <div role="group" aria-label="Filter errors by kind" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
            {FILTERS.map((f) => {
              const count = !totals ? null : f.kind ? totals[f.kind] : total;
              return (
                <button
                  key={f.label}
                  type="button"
                  aria-pressed={kind === f.kind}
                  onClick={() => choose(f.kind)}
                  className={clsx("rounded px-2.5 py-1 text-xs font-medium", kind === f.kind ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100")}
                >
                  {f.label}
                  {count !== null ? ` (${formatCount(count)})` : ""}
                </button>
              );
            })}
          </div>
        }
      />
      {current?.help ? <p className="border-b border-slate-100 px-5 py-2 text-xs text-slate-500">{current.help}</p> : null}
      <QueryState isPending={errors.isPending} error={errors.error}>
        {errors.data?.errors.length ? (
          <>
            <div className="overflow-x-auto">
              <table className="w-full min-w-[40rem] text-sm" aria-label="Record errors">
                <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className="px-5 py-2 font-medium">Record key</th>
                    <th className="px-3 py-2 font-medium">Kind</th>
                    <th className="px-3 py-2 font-medium">Field</th>
                    <th className="px-3 py-2 font-medium">Reason</th>
                    <th className="px-5 py-2 font-medium">Destination code</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {errors.data.errors.map((e) => (
                    <tr key={e.id} className="align-top">
                      <td className="whitespace-nowrap px-5 py-2 font-mono text-xs">{e.recordKey ?? <span className="italic text-slate-400">no key</span>}</td>
                      <td className="px-3 py-2">
                        <Badge tone={e.kind === "REJECTED" ? "red" : "gray"}>{e.kind === "REJECTED" ? "Rejected" : "Invalid"}</Badge>
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
                <span>Page {cursors.length}</span>
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
          <p className="px-5 py-6 text-sm text-slate-500">{kind ? `No ${current?.label.toLowerCase()} rows in this run.` : describeNoErrors(status)}</p>
        )}
      </QueryState>
    </Card>
  );
}

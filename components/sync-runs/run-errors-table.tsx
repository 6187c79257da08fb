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
import type { RunErrorKind } from "./sync-run-types";

const PAGE_SIZE = 50;
const FILTERS: { kind: RunErrorKind | undefined; label: string; help: string }[] = [
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

/** Record-level errors of a run: key, field, reason, destination code; filtered by kind and paged. */
export function RunErrorsTable({ runId, live }: { runId: string; live: boolean }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const [kind, setKind] = useState<RunErrorKind | undefined>(undefined);
  // Cursors of the pages before the current one, so Previous can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const errors = useQuery({
    ...trpc.syncRun.errors.queryOptions({ workspaceId: workspace.id, runId, kind, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 3000 : false,
  });
  const totals = errors.data?.totals;
  const total = totals ? totals.INVALID + totals.REJECTED + totals.DROPPED_FIELD : 0;
  const choose = (next: RunErrorKind | undefined) => {
    setKind(next);
    setCursors([undefined]);
  };
  const current = FILTERS.find((f) => f.kind === kind);

  return (
    <Card className="mt-6">
      <CardHeader
        title="Record errors"
        description="Every row this run could not send, every field it left out, and why."
        actions={
          <div role="group" aria-label="Filter errors by kind" className="inline-flex flex-wrap rounded-md border border-slate-300 bg-white p-0.5">
            {FILTERS.filter((f) => f.kind !== "DROPPED_FIELD" || (totals?.DROPPED_FIELD ?? 0) > 0 || kind === f.kind).map((f) => {
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
          <p className="px-5 py-6 text-sm text-slate-500">{kind ? `No ${current?.label.toLowerCase()} rows in this run.` : "No record errors: every row read was sent and accepted, or was unchanged."}</p>
        )}
      </QueryState>
    </Card>
  );
}

"use client";

import { format } from "date-fns";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { RunListItem } from "~/components/sync-runs/sync-run-types";

/** Created / updated / rejected rows per run, oldest on the left. */
export function SyncRunsChart({ runs }: { runs: RunListItem[] }) {
  const data = [...runs].reverse().map((r) => ({
    label: format(r.startedAt ?? r.queuedAt, "MMM d HH:mm"),
    created: r.counts.created,
    updated: r.counts.updated,
    rejected: r.counts.rejected,
  }));
  const summary = data.map((d) => `${d.label}: ${d.created} created, ${d.updated} updated, ${d.rejected} rejected`).join("; ");
  return (
    <figure className="h-56 w-full" aria-label="Rows per run">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} axisLine={false} />
          <Tooltip cursor={{ fill: "#f1f5f9" }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="created" name="Created" stackId="rows" fill="#1f66c4" maxBarSize={56} isAnimationActive={false} />
          <Bar dataKey="updated" name="Updated" stackId="rows" fill="#60a5fa" maxBarSize={56} isAnimationActive={false} />
          <Bar dataKey="rejected" name="Rejected" stackId="rows" fill="#dc2626" maxBarSize={56} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}

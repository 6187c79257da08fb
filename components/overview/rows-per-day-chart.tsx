"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type DayTotal = { day: string; label: string; sent: number; invalid: number; rejected: number };

/** Rows per day: sent (created + updated), invalid (not sent: the source's problem) and rejected (refused by the destination). */
export function RowsPerDayChart({ days }: { days: DayTotal[] }) {
  return (
    <figure className="h-56 w-full" aria-label="Rows per day">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} interval="preserveStartEnd" />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} axisLine={false} />
          <Tooltip cursor={{ fill: "#f1f5f9" }} />
          <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="sent" name="Sent" stackId="rows" fill="#1f66c4" isAnimationActive={false} />
          <Bar dataKey="invalid" name="Invalid" stackId="rows" fill="#94a3b8" isAnimationActive={false} />
          <Bar dataKey="rejected" name="Rejected" stackId="rows" fill="#dc2626" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{days.map((d) => `${d.label}: ${d.sent} sent, ${d.invalid} invalid, ${d.rejected} rejected`).join("; ")}</figcaption>
    </figure>
  );
}

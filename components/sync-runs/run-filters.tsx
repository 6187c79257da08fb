"use client";

import { Button } from "~/components/ui/button";
import { Input, Select } from "~/components/ui/field";
import { formatTrigger } from "./format-run";
import { RUN_STATUS_OPTIONS } from "./run-status-badge";
import type { RunStatus, RunTrigger } from "./sync-run-types";

export const RUN_FILTER_KEYS = ["runStatus", "trigger", "from", "to"] as const;
export type RunFilterValues = Record<(typeof RUN_FILTER_KEYS)[number], string>;

const TRIGGERS: RunTrigger[] = ["MANUAL", "SCHEDULE", "API"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The URL's run filters as the list's input: days are the viewer's local days, `to` included. */
export function toRunListFilter(values: RunFilterValues): { status?: RunStatus[]; trigger?: RunTrigger[]; from?: Date; to?: Date } {
  const status = RUN_STATUS_OPTIONS.find((o) => o.value === values.runStatus)?.value;
  const trigger = TRIGGERS.find((t) => t === values.trigger);
  const from = DAY.test(values.from) ? new Date(`${values.from}T00:00:00`) : undefined;
  const to = DAY.test(values.to) ? new Date(`${values.to}T00:00:00`) : undefined;
  if (to) to.setDate(to.getDate() + 1);
  return {
    ...(status ? { status: [status] } : {}),
    ...(trigger ? { trigger: [trigger] } : {}),
    ...(from && !Number.isNaN(from.getTime()) ? { from } : {}),
    ...(to && !Number.isNaN(to.getTime()) ? { to } : {}),
  };
}

/** Status, trigger and date filters of a runs list (kept in the URL by the page). */
export function RunFilters({ values, onChange }: { values: RunFilterValues; onChange: (patch: Partial<RunFilterValues>) => void }) {
  const isFiltered = Object.values(values).some(Boolean);
  return (
    <div className="flex flex-wrap items-end gap-2 border-b border-slate-100 px-5 py-3" role="search" aria-label="Filter runs">
      <Select aria-label="Filter runs by status" className="w-full py-1 text-xs sm:w-auto" value={values.runStatus} onChange={(e) => onChange({ runStatus: e.target.value })}>
        <option value="">Any status</option>
        {RUN_STATUS_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
      <Select aria-label="Filter runs by trigger" className="w-full py-1 text-xs sm:w-auto" value={values.trigger} onChange={(e) => onChange({ trigger: e.target.value })}>
        <option value="">Any trigger</option>
        {TRIGGERS.map((t) => (
          <option key={t} value={t}>
            {formatTrigger(t)}
          </option>
        ))}
      </Select>
      <label className="flex items-center gap-1.5 text-xs text-slate-600">
        From
        <Input type="date" aria-label="Runs from" className="w-auto py-1 text-xs" value={values.from} max={values.to || undefined} onChange={(e) => onChange({ from: e.target.value })} />
      </label>
      <label className="flex items-center gap-1.5 text-xs text-slate-600">
        To
        <Input type="date" aria-label="Runs to" className="w-auto py-1 text-xs" value={values.to} min={values.from || undefined} onChange={(e) => onChange({ to: e.target.value })} />
      </label>
      {isFiltered ? (
        <Button variant="ghost" size="sm" onClick={() => onChange({ runStatus: "", trigger: "", from: "", to: "" })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}

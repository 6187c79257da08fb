"use client";

import { Button } from "~/components/ui/button";
import { Select } from "~/components/ui/field";
import { SearchInput } from "~/components/ui/search-input";
import { RUN_STATUS_OPTIONS } from "~/components/sync-runs/run-status-badge";

export const SYNC_FILTER_KEYS = ["q", "source", "destination", "status"] as const;
export type SyncFilterValues = Record<(typeof SYNC_FILTER_KEYS)[number], string>;

const STATUS_OPTIONS = [
  { value: "enabled", label: "Enabled" },
  { value: "disabled", label: "Disabled" },
  { value: "never_run", label: "Never run" },
  ...RUN_STATUS_OPTIONS.map((o) => ({ value: o.value, label: `Last run: ${o.label.toLowerCase()}` })),
];

/** Name search and source, destination and status filters of the syncs list (kept in the URL by the page). */
export function SyncFilters({
  values,
  onChange,
  connections,
}: {
  values: SyncFilterValues;
  onChange: (patch: Partial<SyncFilterValues>) => void;
  connections: { id: string; name: string; kind: "source" | "destination" }[];
}) {
  const sources = connections.filter((c) => c.kind === "source");
  const destinations = connections.filter((c) => c.kind === "destination");
  const isFiltered = Object.values(values).some(Boolean);
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" role="search" aria-label="Find syncs">
      <SearchInput value={values.q} onSearch={(q) => onChange({ q })} label="Search syncs by name" placeholder="Search by name" className="w-full sm:w-56" />
      <Select aria-label="Filter by source" className="w-full sm:w-auto" value={values.source} onChange={(e) => onChange({ source: e.target.value })}>
        <option value="">Any source</option>
        {sources.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Select>
      <Select aria-label="Filter by destination" className="w-full sm:w-auto" value={values.destination} onChange={(e) => onChange({ destination: e.target.value })}>
        <option value="">Any destination</option>
        {destinations.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Select>
      <Select aria-label="Filter by status" className="w-full sm:w-auto" value={values.status} onChange={(e) => onChange({ status: e.target.value })}>
        <option value="">Any status</option>
        {STATUS_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
      {isFiltered ? (
        <Button variant="ghost" size="sm" onClick={() => onChange({ q: "", source: "", destination: "", status: "" })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}

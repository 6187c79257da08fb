"use client";

import { useQuery } from "@tanstack/react-query";
import { format, formatDistanceToNow } from "date-fns";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";

type Change = { field: string; label: string; before: unknown; after: unknown };

type Transform = { type: string; defaultCountry?: string };
const TRANSFORM_LABELS: Record<string, string> = { trim: "trim", lowercase: "lower-case", phone_e164: "E.164" };

/** A mapping reads as "column → field (type)" plus its transforms and policy; anything else as compact JSON. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object" && !Array.isArray(value) && "to" in value && "from" in value) {
    const m = value as { from: { column?: string; constant?: unknown }; to: string; type?: string; onInvalid?: string; transforms?: Transform[] };
    const from = m.from.column ?? JSON.stringify(m.from.constant);
    const transforms = (m.transforms ?? []).map((t) => `${TRANSFORM_LABELS[t.type] ?? t.type}${t.defaultCountry ? ` (${t.defaultCountry})` : ""}`);
    const extras = [transforms.length > 0 ? `transforms: ${transforms.join(", ")}` : null, m.onInvalid === "drop_field" ? "drops the field when invalid" : null].filter(Boolean);
    return `${from} → ${m.to}${m.type ? ` (${m.type})` : ""}${extras.length > 0 ? `; ${extras.join("; ")}` : ""}`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function ChangeRow({ change }: { change: Change }) {
  const kind = change.before === null ? "added" : change.after === null ? "removed" : "changed";
  return (
    <li className="grid gap-1 py-1.5 text-sm sm:grid-cols-[12rem_1fr]">
      <span className="font-medium text-slate-700">
        {change.label} <span className="text-xs font-normal text-slate-500">{kind}</span>
      </span>
      <span className="min-w-0 break-words">
        {kind !== "added" ? <del className="bg-red-50 text-red-800 decoration-red-400">{describeValue(change.before)}</del> : null}
        {kind === "changed" ? <span className="px-1.5 text-slate-400" aria-hidden>→</span> : null}
        {kind === "changed" ? <span className="sr-only"> became </span> : null}
        {kind !== "removed" ? <ins className="bg-emerald-50 text-emerald-800 no-underline">{describeValue(change.after)}</ins> : null}
      </span>
    </li>
  );
}

/** Every saved version of the sync: who, when, and a field-by-field diff. */
export function SyncHistory({ syncId }: { syncId: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const history = useQuery(trpc.sync.history.queryOptions({ workspaceId: workspace.id, syncId }));
  return (
    <Card className="mt-6">
      <CardHeader title="History" description="Every change to this sync's settings and mappings, newest first." />
      <QueryState isPending={history.isPending} error={history.error}>
        {history.data && history.data.revisions.length > 0 ? (
          <ol className="divide-y divide-slate-100" aria-label="Sync history">
            {history.data.revisions.map((revision) => (
              <li key={revision.id} className="px-5 py-3" data-testid={`revision-${revision.number}`}>
                <p className="text-sm text-slate-900">
                  <span className="font-medium">Version {revision.number}</span> · {revision.actor} ·{" "}
                  <time dateTime={new Date(revision.createdAt).toISOString()} title={format(revision.createdAt, "PPpp")}>
                    {formatDistanceToNow(revision.createdAt, { addSuffix: true })}
                  </time>
                </p>
                {revision.changes.length > 0 ? (
                  <ul className="mt-1 divide-y divide-slate-50">
                    {revision.changes.map((change) => (
                      <ChangeRow key={change.field} change={change} />
                    ))}
                  </ul>
                ) : (
                  <p className="mt-1 text-sm text-slate-500">{revision.number === 1 ? "Created with the settings of that time." : "No field changed."}</p>
                )}
              </li>
            ))}
          </ol>
        ) : (
          <CardBody>
            <p className="text-sm text-slate-500">No recorded changes yet. Each save of this sync will appear here.</p>
          </CardBody>
        )}
      </QueryState>
    </Card>
  );
}

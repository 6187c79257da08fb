"use client";

import { useQuery } from "@tanstack/react-query";
import { format, formatDistanceToNow } from "date-fns";
import Link from "next/link";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Badge } from "~/components/ui/badge";
import { Card, CardHeader } from "~/components/ui/card";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { channelKindLabel } from "./alert-settings-card";
import type { AlertDelivery } from "./alert-types";

const EVENT_LABELS: Record<AlertDelivery["event"], string> = {
  FAILURE: "Failed",
  RECOVERY: "Recovered",
  THRESHOLD: "Bad rows over threshold",
  WARNING: "Warning",
};

const OUTCOMES: Record<AlertDelivery["outcome"], { label: string; tone: "green" | "amber" | "red"; help: string }> = {
  SENT: { label: "Sent", tone: "green", help: "The channel accepted it." },
  LOGGED: { label: "Logged", tone: "amber", help: "No SMTP server is configured (SMTP_URL): the e-mail was written to the server log." },
  FAILED: { label: "Failed", tone: "red", help: "The channel refused it or did not answer." },
};

/** The latest alerts of a sync and what became of each. */
export function AlertDeliveriesCard({ syncId }: { syncId: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const deliveries = useQuery({ ...trpc.alert.deliveries.queryOptions({ workspaceId: workspace.id, syncId, limit: 20 }), refetchInterval: 5_000 });
  return (
    <Card className="mt-6">
      <CardHeader title="Alert deliveries" description="The latest alerts of this sync, per channel, with their outcome." />
      <QueryState isPending={deliveries.isPending} error={deliveries.error}>
        {deliveries.data?.length ? (
          <div className="overflow-x-auto">
            <table className="w-full min-w-[40rem] text-sm" aria-label="Alert deliveries">
              <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-5 py-2 font-medium">When</th>
                  <th className="px-3 py-2 font-medium">Alert</th>
                  <th className="px-3 py-2 font-medium">Channel</th>
                  <th className="px-3 py-2 font-medium">Outcome</th>
                  <th className="px-5 py-2 font-medium">Run</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {deliveries.data.map((d) => {
                  const outcome = OUTCOMES[d.outcome];
                  return (
                    <tr key={d.id} data-testid="alert-delivery">
                      <td className="whitespace-nowrap px-5 py-2.5" title={format(d.createdAt, "PPpp")}>
                        {formatDistanceToNow(d.createdAt, { addSuffix: true })}
                      </td>
                      <td className="px-3 py-2.5">{EVENT_LABELS[d.event]}</td>
                      <td className="max-w-[16rem] px-3 py-2.5">
                        <span className="text-slate-500">{channelKindLabel(d.channelKind)}</span>
                        <span className="block truncate" title={d.target}>
                          {d.target}
                        </span>
                      </td>
                      <td className="px-3 py-2.5">
                        <span title={outcome.help}>
                          <Badge tone={outcome.tone}>{outcome.label}</Badge>
                        </span>
                        {d.error ? <span className="mt-1 block max-w-[18rem] break-words text-xs text-red-700">{d.error}</span> : null}
                      </td>
                      <td className="whitespace-nowrap px-5 py-2.5">
                        <Link href={`/w/${workspace.slug}/syncs/${syncId}/runs/${d.runId}`} className="text-brand-700 hover:underline">
                          Open run
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="px-5 py-4 text-sm text-slate-500">No alerts yet. One goes out when a run fails after a success, recovers, or crosses the threshold.</p>
        )}
      </QueryState>
    </Card>
  );
}

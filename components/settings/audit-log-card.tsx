"use client";

import { useQuery } from "@tanstack/react-query";
import { format } from "date-fns";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Card, CardHeader } from "~/components/ui/card";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";

export function AuditLogCard() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const entries = useQuery(trpc.audit.list.queryOptions({ workspaceId: workspace.id }));
  return (
    <Card>
      <CardHeader title="Audit log" description="Who changed members, tokens and credentials, and when. Secret values are never recorded." />
      <QueryState isPending={entries.isPending} error={entries.error}>
        <table className="w-full text-sm" data-testid="audit-log">
          <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-5 py-2 font-medium">When</th>
              <th className="px-5 py-2 font-medium">Who</th>
              <th className="px-5 py-2 font-medium">What</th>
              <th className="px-5 py-2 font-medium">Target</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entries.data?.map((e) => (
              <tr key={e.id}>
                <td className="whitespace-nowrap px-5 py-2 text-slate-500">{format(e.createdAt, "yyyy-MM-dd HH:mm")}</td>
                <td className="px-5 py-2">{e.actorLabel}</td>
                <td className="px-5 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-5 py-2">{e.targetName ?? e.targetType}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </QueryState>
    </Card>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { Database, Plus, Send } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Card, CardHeader } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { ConnectionStatusBadge } from "./connection-status-badge";
import type { ConnectionKind, ConnectionListItem } from "./connection-types";

const SECTIONS: Record<ConnectionKind, { title: string; description: string; button: string; icon: ReactNode; empty: { title: string; admin: string; other: string } }> = {
  destination: {
    title: "Destinations",
    description: "Where syncs send profiles and events: CleverTap, Customer.io.",
    button: "New Destination",
    icon: <Send className="h-8 w-8" aria-hidden />,
    empty: {
      title: "No destinations yet",
      admin: "Add CleverTap or Customer.io with its API credentials, test it, and every sync can use it.",
      other: "An admin adds destinations such as CleverTap or Customer.io. Ask one of them to add the one you need.",
    },
  },
  source: {
    title: "Sources",
    description: "Where your data lives: databases, warehouses, Google Sheets and files.",
    button: "New Source",
    icon: <Database className="h-8 w-8" aria-hidden />,
    empty: {
      title: "No sources yet",
      admin: "Connect the database, warehouse, spreadsheet or files that hold the data you want to sync.",
      other: "An admin connects sources such as PostgreSQL or Google Sheets. Ask one of them to add the one you need.",
    },
  },
};

function NewConnectionLink({ kind, slug }: { kind: ConnectionKind; slug: string }) {
  return (
    <Link
      href={`/w/${slug}/connections/new?kind=${kind}`}
      className="inline-flex items-center gap-1.5 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
    >
      <Plus className="h-4 w-4" aria-hidden />
      {SECTIONS[kind].button}
    </Link>
  );
}

function ConnectionsTable({ kind, rows, slug }: { kind: ConnectionKind; rows: ConnectionListItem[]; slug: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[40rem] table-fixed text-sm" aria-label={SECTIONS[kind].title}>
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="w-[30%] px-5 py-2 font-medium">Name</th>
            <th className="w-[18%] px-5 py-2 font-medium">Type</th>
            <th className="w-[40%] px-5 py-2 font-medium">Status</th>
            <th className="w-[12%] px-5 py-2 text-right font-medium">Syncs</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((c) => (
            <tr key={c.id} data-testid={`connection-row-${c.name}`}>
              <td className="truncate px-5 py-3">
                <Link href={`/w/${slug}/connections/${c.id}`} className="font-medium text-brand-700 hover:underline" title={c.name}>
                  {c.name}
                </Link>
              </td>
              <td className="truncate px-5 py-3 text-slate-600">{c.typeLabel}</td>
              <td className="px-5 py-3">
                <ConnectionStatusBadge status={c.status} />
              </td>
              <td className="whitespace-nowrap px-5 py-3 text-right text-slate-600">{c.syncCount === 0 ? "Not used" : c.syncCount === 1 ? "1 sync" : `${c.syncCount} syncs`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ConnectionsPage() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const canWrite = workspace.can("connections.write");
  const connections = useQuery(trpc.connection.list.queryOptions({ workspaceId: workspace.id }));

  return (
    <>
      <PageHeader
        title="Connections"
        description={canWrite ? "Add a destination and a source once, test them, and every sync reuses them." : "The sources and destinations your syncs can use. Only admins can add or change them."}
      />
      <QueryState isPending={connections.isPending} error={connections.error}>
        <div className="space-y-6">
          {(["destination", "source"] as const).map((kind) => {
            const section = SECTIONS[kind];
            const rows = connections.data?.filter((c) => c.kind === kind) ?? [];
            return (
              <Card key={kind}>
                <CardHeader title={section.title} description={section.description} actions={canWrite && rows.length ? <NewConnectionLink kind={kind} slug={workspace.slug} /> : undefined} />
                {rows.length ? (
                  <ConnectionsTable kind={kind} rows={rows} slug={workspace.slug} />
                ) : (
                  <div className="p-5">
                    <EmptyState
                      icon={section.icon}
                      title={section.empty.title}
                      description={canWrite ? section.empty.admin : section.empty.other}
                      action={canWrite ? <NewConnectionLink kind={kind} slug={workspace.slug} /> : undefined}
                    />
                  </div>
                )}
              </Card>
            );
          })}
        </div>
      </QueryState>
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, ChevronRight, Search } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Input } from "~/components/ui/field";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { ConnectionSettingsForm } from "./connection-settings-form";
import { KIND_LABELS, type ConnectionKind, type ConnectorType } from "./connection-types";

const UNVERIFIED_LABEL = "Not verified in our test suite";

function matchesSearch(type: ConnectorType, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [type.label, type.description, type.id].some((text) => text.toLowerCase().includes(needle));
}

/** A name no other connection of the workspace has yet: "CleverTap", then "CleverTap 2", … */
function pickDefaultName(label: string, taken: string[]): string {
  const names = new Set(taken.map((n) => n.toLowerCase()));
  if (!names.has(label.toLowerCase())) return label;
  let n = 2;
  while (names.has(`${label} ${n}`.toLowerCase())) n += 1;
  return `${label} ${n}`;
}

function BackLink({ href, children }: { href: string; children: string }) {
  return (
    <Link href={href} className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
      <ArrowLeft className="h-4 w-4" aria-hidden /> {children}
    </Link>
  );
}

function TypePicker({ kind, types }: { kind: ConnectionKind; types: ConnectorType[] }) {
  const workspace = useWorkspace();
  const router = useRouter();
  const [search, setSearch] = useState("");
  const matches = types.filter((t) => matchesSearch(t, search));
  const hrefOf = (t: ConnectorType) => `/w/${workspace.slug}/connections/new?kind=${kind}&type=${encodeURIComponent(t.id)}`;
  return (
    <div className="space-y-4">
      <div className="relative max-w-md">
        <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-400" aria-hidden />
        <Input
          type="search"
          autoFocus
          aria-label={`Search ${KIND_LABELS[kind].many}`}
          placeholder={`Search ${KIND_LABELS[kind].many}, e.g. ${kind === "destination" ? "CleverTap" : "PostgreSQL"}`}
          className="pl-9"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            // Enter picks the only match, so a keyboard user can type a name and go.
            const only = matches.length === 1 ? matches[0] : undefined;
            if (e.key === "Enter" && only) router.push(hrefOf(only));
          }}
        />
      </div>
      {matches.length ? (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label={`${KIND_LABELS[kind].many} you can add`}>
          {matches.map((t) => (
            <li key={t.id}>
              <Link
                href={hrefOf(t)}
                className="group flex h-full items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm transition hover:border-brand-500 hover:shadow focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
              >
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-semibold text-slate-900">{t.label}</span>
                    {t.verified ? null : <Badge tone="amber">{UNVERIFIED_LABEL}</Badge>}
                  </div>
                  <p className="mt-1 text-sm text-slate-500">{t.description}</p>
                </div>
                <ChevronRight className="mt-0.5 h-4 w-4 shrink-0 text-slate-300 group-hover:text-brand-600" aria-hidden />
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-500">
          No {KIND_LABELS[kind].one} matches “{search.trim()}”. Try another name, or clear the search to see them all.
        </p>
      )}
    </div>
  );
}

/** "+ New Destination" / "+ New Source": search and pick a type, then fill in its form, test, finish. */
export function NewConnectionPage({ kind, typeId }: { kind: ConnectionKind; typeId?: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const types = useQuery(trpc.connection.types.queryOptions({ workspaceId: workspace.id }));
  const connections = useQuery(trpc.connection.list.queryOptions({ workspaceId: workspace.id }));
  const ofKind = useMemo(() => (types.data ?? []).filter((t) => t.kind === kind), [types.data, kind]);
  const picked = typeId ? ofKind.find((t) => t.id === typeId) : undefined;
  const listHref = `/w/${workspace.slug}/connections`;
  const pickerHref = `${listHref}/new?kind=${kind}`;

  if (!workspace.can("connections.write")) {
    return (
      <>
        <BackLink href={listHref}>Connections</BackLink>
        <PageHeader title={`New ${KIND_LABELS[kind].one}`} />
        <Alert tone="info" title="Only admins can add connections">
          Connections hold credentials, so only workspace admins add or change them. Ask an admin to add the {KIND_LABELS[kind].one} you need.
        </Alert>
      </>
    );
  }

  return (
    <>
      <BackLink href={picked ? pickerHref : listHref}>{picked ? `All ${KIND_LABELS[kind].many}` : "Connections"}</BackLink>
      <QueryState isPending={types.isPending || connections.isPending} error={types.error ?? connections.error}>
        {typeId && !picked ? (
          <Alert title="Unknown connection type">
            There is no {KIND_LABELS[kind].one} called “{typeId}”. <Link href={pickerHref} className="font-medium underline">Choose one from the list</Link>.
          </Alert>
        ) : picked ? (
          <>
            <PageHeader
              title={`New ${picked.label} ${KIND_LABELS[kind].one}`}
              description={kind === "destination" ? "Enter the details below, click Test to check them (optional), then Finish." : "Enter the details below, click Test to check the connection, then Finish."}
              actions={picked.verified ? undefined : <Badge tone="amber">{UNVERIFIED_LABEL}</Badge>}
            />
            <Card className="max-w-2xl">
              <CardHeader title={picked.label} description={picked.description} />
              <CardBody>
                <ConnectionSettingsForm key={picked.id} connectorType={picked} defaultName={pickDefaultName(picked.label, (connections.data ?? []).map((c) => c.name))} />
              </CardBody>
            </Card>
          </>
        ) : (
          <>
            <PageHeader title={`New ${KIND_LABELS[kind].one}`} description={kind === "destination" ? "Search for the tool you want to send data to and select it." : "Select where your data lives: a database, a warehouse, Google Sheets or files."} />
            <TypePicker kind={kind} types={ofKind} />
          </>
        )}
      </QueryState>
    </>
  );
}

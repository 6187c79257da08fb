"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Lock, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { ConnectionSettingsForm } from "./connection-settings-form";
import { ConnectionStatusBadge } from "./connection-status-badge";
import { ConnectionTestResult } from "./connection-test-result";
import type { ConnectionDetail } from "./connection-types";
import { SourceBrowser } from "./source-browser";

function DeleteConnectionCard({ connection }: { connection: ConnectionDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.connection.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.connection.list.queryKey() });
        router.push(`/w/${workspace.slug}/connections`);
      },
    }),
  );
  return (
    <Card>
      <CardHeader title="Delete this connection" description="Its credentials are erased. A connection that syncs use cannot be deleted: delete or change those syncs first." />
      <CardBody className="space-y-3">
        {remove.error ? <Alert title="Not deleted">{remove.error.message}</Alert> : null}
        <Button variant="danger" isLoading={remove.isPending} onClick={() => setConfirming(true)}>
          <Trash2 className="h-4 w-4" aria-hidden /> Delete {connection.name}
        </Button>
        <ConfirmDialog
          open={confirming}
          title={`Delete ${connection.name}?`}
          confirmLabel="Delete connection"
          tone="danger"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            remove.mutate({ workspaceId: workspace.id, connectionId: connection.id });
          }}
        >
          Its credentials are erased and this cannot be undone.
        </ConfirmDialog>
      </CardBody>
    </Card>
  );
}

function AdminSettings({ connection }: { connection: ConnectionDetail }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const types = useQuery(trpc.connection.types.queryOptions({ workspaceId: workspace.id }));
  const connectorType = types.data?.find((t) => t.id === connection.type);
  return (
    <Card>
      <CardHeader title="Settings" description="Secret fields are stored encrypted and never shown again: replace them to change them. Saving resets the status until the next test." />
      <CardBody>
        <QueryState isPending={types.isPending} error={types.error}>
          {connectorType ? (
            <ConnectionSettingsForm connectorType={connectorType} connection={connection} />
          ) : (
            <Alert>The connection type “{connection.type}” is no longer available in this version, so its settings cannot be edited.</Alert>
          )}
        </QueryState>
      </CardBody>
    </Card>
  );
}

/** One connection: its status and Test; for admins its settings and Delete; for sources the browser. */
export function ConnectionPage({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const canWrite = workspace.can("connections.write");
  const connection = useQuery(trpc.connection.get.queryOptions({ workspaceId: workspace.id, connectionId }));
  const [testResult, setTestResult] = useState<{ ok: boolean; message: string; warning?: string } | null>(null);
  const test = useMutation(
    trpc.connection.test.mutationOptions({
      onMutate: () => setTestResult(null),
      onSuccess: async (result) => {
        setTestResult(result);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.connection.get.queryKey({ workspaceId: workspace.id, connectionId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.connection.list.queryKey() }),
        ]);
      },
    }),
  );
  const c = connection.data;

  return (
    <>
      <Link href={`/w/${workspace.slug}/connections`} className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
        <ArrowLeft className="h-4 w-4" aria-hidden /> Connections
      </Link>
      <QueryState isPending={connection.isPending} error={connection.error}>
        {c ? (
          <div className="space-y-6">
            <div>
              <PageHeader
                title={c.name}
                description={
                  <span className="flex flex-wrap items-center gap-2">
                    <span data-testid="connection-type">
                      {c.typeLabel} {c.kind}
                    </span>
                    {c.verified ? null : <Badge tone="amber">Not verified in our test suite</Badge>}
                  </span>
                }
                actions={
                  canWrite ? (
                    <Button variant="secondary" isLoading={test.isPending} onClick={() => test.mutate({ workspaceId: workspace.id, connectionId: c.id })}>
                      Test
                    </Button>
                  ) : undefined
                }
              />
              <div className="-mt-3 flex items-center gap-2 text-sm text-slate-600">
                <span className="font-medium">Status</span>
                <ConnectionStatusBadge status={c.status} truncate={false} />
              </div>
              {testResult ? (
                <div className="mt-4">
                  <ConnectionTestResult result={testResult} />
                </div>
              ) : null}
              {test.error ? (
                <Alert className="mt-4" title="Could not run the test">
                  {test.error.message}
                </Alert>
              ) : null}
            </div>
            <Card>
              <CardHeader title="Used by" description={c.usedBy.length ? `${c.usedBy.length} sync${c.usedBy.length === 1 ? "" : "s"} read from or write to this connection.` : "No sync uses this connection yet."} />
              {c.usedBy.length ? (
                <ul className="divide-y divide-slate-100" aria-label="Syncs using this connection">
                  {c.usedBy.map((s) => (
                    <li key={s.id} className="px-5 py-2.5 text-sm">
                      <Link className="font-medium text-brand-700 hover:underline" href={`/w/${workspace.slug}/syncs/${s.id}`}>
                        {s.name}
                      </Link>
                    </li>
                  ))}
                </ul>
              ) : null}
            </Card>
            {c.kind === "source" ? <SourceBrowser connectionId={c.id} /> : null}
            {canWrite ? (
              <AdminSettings connection={c} />
            ) : (
              <Card>
                <CardBody className="flex items-start gap-3 text-sm text-slate-600">
                  <Lock className="mt-0.5 h-4 w-4 shrink-0 text-slate-400" aria-hidden />
                  <p>
                    <span className="font-medium text-slate-800">Only admins can view or change credentials.</span> You can see this connection’s name, type and status
                    {c.kind === "source" && workspace.can("models.query") ? ", and browse its tables to build syncs" : ""}.
                  </p>
                </CardBody>
              </Card>
            )}
            {canWrite ? <DeleteConnectionCard connection={c} /> : null}
          </div>
        ) : null}
      </QueryState>
    </>
  );
}

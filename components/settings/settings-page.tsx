"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Database, Workflow } from "lucide-react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { AlertSettingsCard } from "~/components/alerts/alert-settings-card";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/field";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { ApiTokensCard } from "./api-tokens-card";
import { AuditLogCard } from "./audit-log-card";

export function SettingsPage() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const runtime = useQuery(trpc.workspace.runtime.queryOptions({ workspaceId: workspace.id }));
  return (
    <>
      <PageHeader title="Settings" description={`Workspace ${workspace.name}`} />
      <div className="space-y-6">
        {workspace.can("workspace.manage") ? <RenameWorkspaceCard /> : null}
        <Card>
          <CardHeader title="Server" description="Where this installation keeps its data and how it runs syncs." />
          <CardBody>
            <QueryState isPending={runtime.isPending} error={runtime.error}>
              {runtime.data ? (
                <dl className="grid gap-4 sm:grid-cols-2">
                  <div className="flex gap-3">
                    <Database className="mt-0.5 h-5 w-5 text-slate-400" aria-hidden />
                    <div>
                      <dt className="text-sm font-medium">
                        Database <Badge tone="blue">{runtime.data.database.kind}</Badge>
                      </dt>
                      <dd data-testid="runtime-database" className="mt-1 text-sm text-slate-600">{runtime.data.database.description}</dd>
                    </div>
                  </div>
                  <div className="flex gap-3">
                    <Workflow className="mt-0.5 h-5 w-5 text-slate-400" aria-hidden />
                    <div>
                      <dt className="text-sm font-medium">
                        Job runner <Badge tone="blue">{runtime.data.jobRunner.kind}</Badge>
                      </dt>
                      <dd data-testid="runtime-job-runner" className="mt-1 text-sm text-slate-600">{runtime.data.jobRunner.description}</dd>
                    </div>
                  </div>
                </dl>
              ) : null}
            </QueryState>
          </CardBody>
        </Card>
        {workspace.can("alerts.read") ? <AlertSettingsCard syncId={null} /> : null}
        {workspace.can("apiTokens.manage") ? <ApiTokensCard /> : null}
        {workspace.can("audit.read") ? <AuditLogCard /> : null}
      </div>
    </>
  );
}

function RenameWorkspaceCard() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const router = useRouter();
  const queryClient = useQueryClient();
  const rename = useMutation(
    trpc.workspace.rename.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.workspace.listMine.queryKey() });
        router.refresh();
      },
    }),
  );
  const { register, handleSubmit, formState } = useForm<{ name: string }>({ defaultValues: { name: workspace.name } });
  return (
    <Card>
      <CardHeader title="Workspace" />
      <CardBody>
        <form onSubmit={handleSubmit((v) => rename.mutateAsync({ workspaceId: workspace.id, name: v.name }).catch(() => null))} className="flex items-end gap-3">
          <Field id="ws-name" label="Name" className="max-w-sm flex-1">
            <Input id="ws-name" {...register("name")} />
          </Field>
          <Button type="submit" variant="secondary" isLoading={formState.isSubmitting}>
            Rename
          </Button>
        </form>
        {rename.error ? <Alert className="mt-3">{rename.error.message}</Alert> : null}
      </CardBody>
    </Card>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDistanceToNow } from "date-fns";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/field";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";

export function ApiTokensCard() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.apiToken.list.queryOptions({ workspaceId: workspace.id }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.apiToken.list.queryKey() });
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(trpc.apiToken.create.mutationOptions({ onSuccess: (t) => { setCreated(t.token); refresh(); } }));
  const revoke = useMutation(trpc.apiToken.revoke.mutationOptions({ onSuccess: refresh }));
  const { register, handleSubmit, reset } = useForm<{ name: string }>({ defaultValues: { name: "" } });

  return (
    <Card>
      <CardHeader title="API tokens" description="For the REST API (/api/v1): trigger syncs from dbt, CI or schedulers. A token acts with admin rights in this workspace only." />
      <CardBody className="space-y-4">
        <form
          className="flex items-end gap-3"
          onSubmit={handleSubmit(async (v) => {
            await create.mutateAsync({ workspaceId: workspace.id, name: v.name }).catch(() => null);
            reset();
          })}
        >
          <Field id="token-name" label="Token name" className="max-w-sm flex-1">
            <Input id="token-name" placeholder="dbt production" {...register("name", { required: true })} />
          </Field>
          <Button type="submit" isLoading={create.isPending}>
            Create token
          </Button>
        </form>
        {create.error ? <Alert>{create.error.message}</Alert> : null}
        {created ? (
          <Alert tone="success" title="Copy this token now: it will not be shown again">
            <code data-testid="api-token-value" className="block break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-800">
              {created}
            </code>
          </Alert>
        ) : null}
        <QueryState isPending={tokens.isPending} error={tokens.error}>
          {tokens.data?.length ? (
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
              {tokens.data.map((t) => (
                <li key={t.id} className="flex items-center justify-between px-4 py-2.5 text-sm">
                  <div>
                    <p className="font-medium">{t.name}</p>
                    <p className="text-xs text-slate-500">
                      <code>{t.prefix}…</code> · created {formatDistanceToNow(t.createdAt, { addSuffix: true })} ·{" "}
                      {t.lastUsedAt ? `last used ${formatDistanceToNow(t.lastUsedAt, { addSuffix: true })}` : "never used"}
                    </p>
                  </div>
                  <Button variant="ghost" size="sm" onClick={() => window.confirm(`Revoke ${t.name}? Automations using it stop working.`) && revoke.mutate({ workspaceId: workspace.id, tokenId: t.id })}>
                    Revoke
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">No API tokens yet.</p>
          )}
        </QueryState>
      </CardBody>
    </Card>
  );
}

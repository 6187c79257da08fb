"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { format, formatDistanceToNow } from "date-fns";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { OneTimeSecret } from "~/components/ui/copy-button";
import { Field, Input, Select } from "~/components/ui/field";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";

// Mirrors API_TOKEN_LIFETIMES_DAYS in the service; "never" is the empty value.
const LIFETIMES = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "", label: "Never" },
];

type Values = { name: string; lifetime: string };

export function ApiTokensCard() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.apiToken.list.queryOptions({ workspaceId: workspace.id }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.apiToken.list.queryKey() });
  const [created, setCreated] = useState<{ token: string; expiresAt: Date | null } | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const create = useMutation(
    trpc.apiToken.create.mutationOptions({
      onSuccess: (t) => {
        setCreated({ token: t.token, expiresAt: t.expiresAt });
        refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.apiToken.revoke.mutationOptions({
      onSuccess: () => {
        setRevoking(null);
        refresh();
      },
    }),
  );
  const { register, handleSubmit, reset } = useForm<Values>({ defaultValues: { name: "", lifetime: "90" } });

  return (
    <Card>
      <CardHeader title="API tokens" description="For the REST API (/api/v1): trigger syncs from dbt, CI or schedulers. A token acts with admin rights in this workspace only." />
      <CardBody className="space-y-4">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={handleSubmit(async (v) => {
            const result = await create.mutateAsync({ workspaceId: workspace.id, name: v.name, expiresInDays: v.lifetime ? Number(v.lifetime) : null }).catch(() => null);
            if (result) reset({ name: "", lifetime: v.lifetime });
          })}
        >
          <Field id="token-name" label="Token name" className="min-w-48 max-w-sm flex-1">
            <Input id="token-name" placeholder="dbt production" {...register("name", { required: true })} />
          </Field>
          <Field id="token-lifetime" label="Expires after">
            <Select id="token-lifetime" {...register("lifetime")}>
              {LIFETIMES.map((l) => (
                <option key={l.label} value={l.value}>
                  {l.label}
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" isLoading={create.isPending}>
            Create token
          </Button>
        </form>
        {create.error ? <Alert>{create.error.message}</Alert> : null}
        {revoke.error ? <Alert>{revoke.error.message}</Alert> : null}
        {created ? (
          <Alert tone="success" title="Copy this token now: it will not be shown again">
            <OneTimeSecret value={created.token} testId="api-token-value" />
            <p className="mt-1 text-xs">{created.expiresAt ? `It expires on ${format(created.expiresAt, "PPP p")}.` : "It never expires; revoke it when it is no longer needed."}</p>
          </Alert>
        ) : null}
        <QueryState isPending={tokens.isPending} error={tokens.error}>
          {tokens.data?.length ? (
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
              {tokens.data.map((t) => (
                <li key={t.id} data-testid={`api-token-${t.name}`} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5 text-sm">
                  <div className="min-w-0">
                    <p className="flex items-center gap-2 font-medium">
                      {t.name}
                      {t.expired ? <Badge tone="red">expired</Badge> : null}
                    </p>
                    <p className="text-xs text-slate-500">
                      <code>{t.prefix}…</code> · created {formatDistanceToNow(t.createdAt, { addSuffix: true })} ·{" "}
                      {t.lastUsedAt ? `last used ${formatDistanceToNow(t.lastUsedAt, { addSuffix: true })}` : "never used"} ·{" "}
                      <span title={t.expiresAt ? formatDistanceToNow(t.expiresAt, { addSuffix: true }) : undefined}>
                        {t.expiresAt ? `${t.expired ? "expired" : "expires"} ${format(t.expiresAt, "PP")}` : "never expires"}
                      </span>
                    </p>
                  </div>
                  <Button variant="ghost" size="sm" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking({ id: t.id, name: t.name })}>
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
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? "this token"}?`}
        confirmLabel="Revoke token"
        tone="danger"
        isLoading={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate({ workspaceId: workspace.id, tokenId: revoking.id })}
      >
        Automations using it stop working at once.
      </ConfirmDialog>
    </Card>
  );
}

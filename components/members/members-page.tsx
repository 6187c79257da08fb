"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDistanceToNow } from "date-fns";
import { useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { OneTimeSecret } from "~/components/ui/copy-button";
import { Select } from "~/components/ui/field";
import { PageHeader } from "~/components/ui/page-header";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { InviteMemberForm } from "./invite-member-form";

const ROLES = ["ADMIN", "MEMBER", "VIEWER"] as const;
const ROLE_HELP = "Admins manage members, connections and credentials; members create, edit and run syncs; viewers can only look.";

export function MembersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const canManage = workspace.can("members.manage");
  const members = useQuery(trpc.member.list.queryOptions({ workspaceId: workspace.id }));
  const invitations = useQuery(trpc.invitation.list.queryOptions({ workspaceId: workspace.id }));
  const [actionError, setActionError] = useState<string | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.member.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey() });
  };
  const onError = (e: { message: string }) => setActionError(e.message);
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSuccess: refresh, onError }));
  const [removing, setRemoving] = useState<{ id: string; email: string } | null>(null);
  const remove = useMutation(
    trpc.member.remove.mutationOptions({
      onSuccess: () => {
        setRemoving(null);
        refresh();
      },
      onError: (e) => {
        setRemoving(null);
        onError(e);
      },
    }),
  );
  const [revoking, setRevoking] = useState<{ id: string; email: string } | null>(null);
  const [reissued, setReissued] = useState<{ id: string; email: string; url: string } | null>(null);
  const revoke = useMutation(
    trpc.invitation.revoke.mutationOptions({
      onSuccess: (_data, input) => {
        setRevoking(null);
        setReissued((r) => (r?.id === input.invitationId ? null : r));
        refresh();
      },
      onError: (e) => {
        setRevoking(null);
        onError(e);
      },
    }),
  );
  const reissue = useMutation(
    trpc.invitation.reissue.mutationOptions({
      onSuccess: (inv) => {
        setReissued({ id: inv.id, email: inv.email, url: inv.url });
        refresh();
      },
      onError,
    }),
  );

  return (
    <>
      <PageHeader title="Members" description={ROLE_HELP} />
      {actionError ? (
        <Alert className="mb-4" title="That did not work">
          {actionError}
        </Alert>
      ) : null}
      {canManage ? <InviteMemberForm onInvited={refresh} /> : null}
      <Card className="mt-6">
        <CardHeader title="People in this workspace" />
        <QueryState isPending={members.isPending} error={members.error}>
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-5 py-2 font-medium">Member</th>
                <th className="px-5 py-2 font-medium">Role</th>
                <th className="px-5 py-2 font-medium">Joined</th>
                {canManage ? <th className="px-5 py-2 font-medium"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.data?.map((m) => (
                <tr key={m.id} data-testid={`member-${m.email}`}>
                  <td className="px-5 py-3">
                    <p className="font-medium text-slate-900">{m.name ?? m.email}</p>
                    {m.name ? <p className="text-xs text-slate-500">{m.email}</p> : null}
                  </td>
                  <td className="px-5 py-3">
                    {canManage ? (
                      <Select
                        aria-label={`Role of ${m.email}`}
                        className="w-32"
                        value={m.role}
                        disabled={changeRole.isPending}
                        onChange={(e) => {
                          setActionError(null);
                          changeRole.mutate({ workspaceId: workspace.id, membershipId: m.id, role: e.target.value as (typeof ROLES)[number] });
                        }}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r.charAt(0) + r.slice(1).toLowerCase()}
                          </option>
                        ))}
                      </Select>
                    ) : (
                      <Badge tone={m.role === "ADMIN" ? "blue" : "gray"}>{m.role.toLowerCase()}</Badge>
                    )}
                  </td>
                  <td className="px-5 py-3 text-slate-500">{formatDistanceToNow(m.joinedAt, { addSuffix: true })}</td>
                  {canManage ? (
                    <td className="px-5 py-3 text-right">
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => {
                          setActionError(null);
                          setRemoving({ id: m.id, email: m.email });
                        }}
                      >
                        Remove
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </QueryState>
      </Card>
      <Card className="mt-6">
        <CardHeader
          title="Pending invitations"
          description={canManage ? "Links are valid for 7 days and shown only once. Lost or expired? Make a new link: the old one stops working." : "Invitation links are valid for 7 days."}
        />
        {reissued ? (
          <CardBody className="border-b border-slate-100">
            <Alert tone="success" title={`New invitation link for ${reissued.email}: copy it now, it is shown only once`}>
              <OneTimeSecret value={reissued.url} testId="reissued-invitation-url" />
            </Alert>
          </CardBody>
        ) : null}
        <QueryState isPending={invitations.isPending} error={invitations.error}>
          {invitations.data?.length ? (
            <ul className="divide-y divide-slate-100">
              {invitations.data.map((inv) => (
                <li key={inv.id} data-testid={`invitation-${inv.email}`} className="flex flex-wrap items-center justify-between gap-2 px-5 py-3 text-sm">
                  <div className="min-w-0">
                    <p className="truncate font-medium">{inv.email}</p>
                    <p className="text-xs text-slate-500">
                      {inv.role.toLowerCase()} ·{" "}
                      {inv.expired ? <span className="text-red-600">expired</span> : `expires ${formatDistanceToNow(inv.expiresAt, { addSuffix: true })}`}
                    </p>
                  </div>
                  {canManage ? (
                    <div className="flex gap-1">
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`New link for ${inv.email}`}
                        isLoading={reissue.isPending && reissue.variables?.invitationId === inv.id}
                        onClick={() => {
                          setActionError(null);
                          reissue.mutate({ workspaceId: workspace.id, invitationId: inv.id });
                        }}
                      >
                        New link
                      </Button>
                      <Button
                        variant="ghost"
                        size="sm"
                        aria-label={`Revoke the invitation for ${inv.email}`}
                        onClick={() => {
                          setActionError(null);
                          setRevoking({ id: inv.id, email: inv.email });
                        }}
                      >
                        Revoke
                      </Button>
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <CardBody>
              <p className="text-sm text-slate-500">{canManage ? "No pending invitations. Invite a teammate above." : "No pending invitations."}</p>
            </CardBody>
          )}
        </QueryState>
      </Card>
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.email ?? "this member"}?`}
        confirmLabel="Remove member"
        tone="danger"
        isLoading={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate({ workspaceId: workspace.id, membershipId: removing.id })}
      >
        They lose access to {workspace.name} at once. The workspace&apos;s API tokens keep working (revoke them under Settings if needed). You can invite them again later.
      </ConfirmDialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this invitation?"
        confirmLabel="Revoke invitation"
        tone="danger"
        isLoading={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate({ workspaceId: workspace.id, invitationId: revoking.id })}
      >
        The link sent to {revoking?.email} stops working. You can invite them again later.
      </ConfirmDialog>
    </>
  );
}

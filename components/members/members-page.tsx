"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDistanceToNow } from "date-fns";
import { useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
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
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSuccess: refresh, onError }));
  const revoke = useMutation(trpc.invitation.revoke.mutationOptions({ onSuccess: refresh, onError }));

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
                          if (window.confirm(`Remove ${m.email} from ${workspace.name}?`)) remove.mutate({ workspaceId: workspace.id, membershipId: m.id });
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
        <CardHeader title="Pending invitations" description="Invitation links are valid for 7 days." />
        <QueryState isPending={invitations.isPending} error={invitations.error}>
          {invitations.data?.length ? (
            <ul className="divide-y divide-slate-100">
              {invitations.data.map((inv) => (
                <li key={inv.id} className="flex items-center justify-between px-5 py-3 text-sm">
                  <div>
                    <p className="font-medium">{inv.email}</p>
                    <p className="text-xs text-slate-500">
                      {inv.role.toLowerCase()} ·{" "}
                      {inv.expired ? <span className="text-red-600">expired</span> : `expires ${formatDistanceToNow(inv.expiresAt, { addSuffix: true })}`}
                    </p>
                  </div>
                  {canManage ? (
                    <Button variant="ghost" size="sm" onClick={() => revoke.mutate({ workspaceId: workspace.id, invitationId: inv.id })}>
                      Revoke
                    </Button>
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
    </>
  );
}

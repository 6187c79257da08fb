"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";

type Invitation = { email: string; role: string; workspaceName: string; status: "pending" | "accepted" | "expired" | "revoked" } | null;

export function AcceptInvitation({ token, invitation, signedInEmail }: { token: string; invitation: Invitation; signedInEmail: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitation.accept.mutationOptions({ onSuccess: (r) => router.push(`/w/${r.workspaceSlug}`) }));
  const here = `/invite/${token}`;

  if (!invitation || invitation.status === "revoked") {
    return <Alert title="This invitation link is not valid">Ask an admin of the workspace to invite you again.</Alert>;
  }
  if (invitation.status === "expired") return <Alert title="This invitation expired">Invitations are valid for 7 days. Ask an admin for a new one.</Alert>;
  if (invitation.status === "accepted") return <Alert tone="info" title="Invitation already accepted"><Link href="/" className="underline">Go to your workspaces</Link></Alert>;

  return (
    <Card>
      <CardBody className="space-y-4 py-6">
        <h1 className="text-lg font-semibold">Join {invitation.workspaceName}</h1>
        <p className="text-sm text-slate-600">
          <strong>{invitation.email}</strong> was invited to join <strong>{invitation.workspaceName}</strong> as{" "}
          <strong>{invitation.role.toLowerCase()}</strong>.
        </p>
        {accept.error ? <Alert>{accept.error.message}</Alert> : null}
        {!signedInEmail ? (
          <div className="flex flex-col gap-2">
            <Link className="rounded-md bg-brand-600 px-3.5 py-2 text-center text-sm font-medium text-white hover:bg-brand-700" href={`/sign-up?email=${encodeURIComponent(invitation.email)}&callbackUrl=${encodeURIComponent(here)}`}>
              Create an account to accept
            </Link>
            <Link className="rounded-md border border-slate-300 px-3.5 py-2 text-center text-sm font-medium hover:bg-slate-50" href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`}>
              I already have an account
            </Link>
          </div>
        ) : signedInEmail.toLowerCase() !== invitation.email ? (
          <div className="space-y-3">
            <Alert tone="warning">You are signed in as {signedInEmail}. Sign in as {invitation.email} to accept.</Alert>
            <Button variant="secondary" onClick={() => void signOut({ callbackUrl: `/sign-in?callbackUrl=${encodeURIComponent(here)}` })}>
              Sign out
            </Button>
          </div>
        ) : (
          <Button className="w-full" isLoading={accept.isPending} onClick={() => accept.mutate({ token })}>
            Accept invitation
          </Button>
        )}
      </CardBody>
    </Card>
  );
}

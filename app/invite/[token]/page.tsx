import type { Metadata } from "next";
import { AcceptInvitation } from "~/components/members/accept-invitation";
import { auth } from "~/server/auth";
import { getInvitationByToken } from "~/server/services/invitations/get-invitation-by-token";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [session, invitation] = await Promise.all([auth(), getInvitationByToken({ token })]);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md">
        <AcceptInvitation token={token} invitation={invitation} signedInEmail={session?.user.email ?? null} />
      </div>
    </main>
  );
}

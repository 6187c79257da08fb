import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CreateWorkspaceForm } from "~/components/workspace/create-workspace-form";
import { auth } from "~/server/auth";

export const metadata: Metadata = { title: "Create a workspace" };

export default async function OnboardingPage() {
  const session = await auth();
  if (!session) redirect("/sign-in?callbackUrl=/onboarding");
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md">
        <CreateWorkspaceForm />
      </div>
    </main>
  );
}

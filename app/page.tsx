import { redirect } from "next/navigation";
import { auth } from "~/server/auth";
import { listUserWorkspaces } from "~/server/services/workspaces/list-user-workspaces";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const session = await auth();
  if (!session) redirect("/sign-in");
  const workspaces = await listUserWorkspaces({ userId: session.user.id });
  redirect(workspaces[0] ? `/w/${workspaces[0].slug}` : "/onboarding");
}

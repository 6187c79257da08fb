import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "~/server/auth";
import { AppError } from "~/server/lib/errors";
import { getWorkspaceBySlug } from "~/server/services/workspaces/get-workspace-by-slug";

/**
 * The signed-in member's workspace for this request (once per request, shared by the layout and its
 * pages). Signed out goes to sign-in; a non-member gets the same 404 as a workspace that does not exist.
 */
export const requireWorkspace = cache(async (slug: string) => {
  const session = await auth();
  if (!session) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/w/${slug}`)}`);
  const workspace = await getWorkspaceBySlug({ slug, userId: session.user.id });
  if (!workspace) notFound();
  return { session, workspace };
});

/**
 * Runs a service lookup and renders the not-found page when the service says the record is missing
 * (or in another workspace), so an unknown id in the address is a 404 instead of an error card.
 */
export async function findOrNotFound<T>(lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

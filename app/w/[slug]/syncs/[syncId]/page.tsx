import type { Metadata } from "next";
import { SyncPage } from "~/components/syncs/sync-page";
import { getSync } from "~/server/services/syncs/get-sync";
import { findOrNotFound, requireWorkspace } from "../../current-workspace";

export const metadata: Metadata = { title: "Sync" };

export default async function Page({ params, searchParams }: { params: Promise<{ slug: string; syncId: string }>; searchParams: Promise<{ created?: string; saved?: string }> }) {
  const [{ slug, syncId }, query] = await Promise.all([params, searchParams]);
  const { workspace } = await requireWorkspace(slug);
  await findOrNotFound(() => getSync({ workspaceId: workspace.id, syncId }));
  return <SyncPage syncId={syncId} notice={query.created ? "created" : query.saved ? "saved" : null} />;
}

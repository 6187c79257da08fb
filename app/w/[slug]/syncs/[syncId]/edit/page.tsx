import type { Metadata } from "next";
import { EditSyncPage } from "~/components/syncs/sync-form-page";
import { getSync } from "~/server/services/syncs/get-sync";
import { findOrNotFound, requireWorkspace } from "../../../current-workspace";

export const metadata: Metadata = { title: "Edit sync" };

export default async function Page({ params }: { params: Promise<{ slug: string; syncId: string }> }) {
  const { slug, syncId } = await params;
  const { workspace } = await requireWorkspace(slug);
  await findOrNotFound(() => getSync({ workspaceId: workspace.id, syncId }));
  return <EditSyncPage syncId={syncId} />;
}

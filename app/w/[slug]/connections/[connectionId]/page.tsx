import type { Metadata } from "next";
import { ConnectionPage } from "~/components/connections/connection-page";
import { getConnection } from "~/server/services/connections/get-connection";
import { findOrNotFound, requireWorkspace } from "../../current-workspace";

export const metadata: Metadata = { title: "Connection" };

export default async function Page({ params }: { params: Promise<{ slug: string; connectionId: string }> }) {
  const { slug, connectionId } = await params;
  const { workspace } = await requireWorkspace(slug);
  await findOrNotFound(() => getConnection({ workspaceId: workspace.id, connectionId, includeConfig: false }));
  return <ConnectionPage connectionId={connectionId} />;
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunPage } from "~/components/sync-runs/run-page";
import { getSyncRun } from "~/server/services/sync-runs/get-sync-run";
import { findOrNotFound, requireWorkspace } from "../../../../current-workspace";

export const metadata: Metadata = { title: "Sync run" };

export default async function Page({ params, searchParams }: { params: Promise<{ slug: string; syncId: string; runId: string }>; searchParams: Promise<{ already?: string }> }) {
  const [{ slug, syncId, runId }, query] = await Promise.all([params, searchParams]);
  const { workspace } = await requireWorkspace(slug);
  const run = await findOrNotFound(() => getSyncRun({ workspaceId: workspace.id, runId }));
  // A real run under another sync's address is as unknown as a made-up one.
  if (run.syncId !== syncId) notFound();
  return <RunPage syncId={syncId} runId={runId} alreadyRunning={!!query.already} />;
}

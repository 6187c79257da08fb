import type { Metadata } from "next";
import { RunPage } from "~/components/sync-runs/run-page";

export const metadata: Metadata = { title: "Sync run" };

export default async function Page({ params, searchParams }: { params: Promise<{ syncId: string; runId: string }>; searchParams: Promise<{ already?: string }> }) {
  const [{ syncId, runId }, query] = await Promise.all([params, searchParams]);
  return <RunPage syncId={syncId} runId={runId} alreadyRunning={!!query.already} />;
}

import type { Metadata } from "next";
import { SyncPage } from "~/components/syncs/sync-page";

export const metadata: Metadata = { title: "Sync" };

export default async function Page({ params, searchParams }: { params: Promise<{ syncId: string }>; searchParams: Promise<{ created?: string; saved?: string }> }) {
  const [{ syncId }, query] = await Promise.all([params, searchParams]);
  return <SyncPage syncId={syncId} notice={query.created ? "created" : query.saved ? "saved" : null} />;
}

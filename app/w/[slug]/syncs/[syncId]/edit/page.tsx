import type { Metadata } from "next";
import { EditSyncPage } from "~/components/syncs/sync-form-page";

export const metadata: Metadata = { title: "Edit sync" };

export default async function Page({ params }: { params: Promise<{ syncId: string }> }) {
  const { syncId } = await params;
  return <EditSyncPage syncId={syncId} />;
}

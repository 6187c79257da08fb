import type { Metadata } from "next";
import { NewSyncPage } from "~/components/syncs/sync-form-page";

export const metadata: Metadata = { title: "Create a new Sync" };

export default function Page() {
  return <NewSyncPage />;
}

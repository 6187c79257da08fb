import type { Metadata } from "next";
import { ConnectionPage } from "~/components/connections/connection-page";

export const metadata: Metadata = { title: "Connection" };

export default async function Page({ params }: { params: Promise<{ connectionId: string }> }) {
  const { connectionId } = await params;
  return <ConnectionPage connectionId={connectionId} />;
}

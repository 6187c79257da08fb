import type { Metadata } from "next";
import { NewConnectionPage } from "~/components/connections/new-connection-page";

export const metadata: Metadata = { title: "New connection" };

export default async function Page({ searchParams }: { searchParams: Promise<{ kind?: string | string[]; type?: string | string[] }> }) {
  const { kind, type } = await searchParams;
  return <NewConnectionPage kind={kind === "source" ? "source" : "destination"} typeId={typeof type === "string" && type ? type : undefined} />;
}

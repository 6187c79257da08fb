import type { Metadata } from "next";
import { NotFoundMessage } from "~/components/ui/not-found-message";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center">
      <NotFoundMessage
        title="There is nothing at this address"
        description="The link may be mistyped, or the workspace was deleted, or you are not a member of it. Workspaces you do not belong to look the same as ones that do not exist."
        backHref="/"
        backLabel="Go to my workspaces"
      />
    </main>
  );
}

import { Plus } from "lucide-react";
import Link from "next/link";

export function CreateSyncLink({ slug }: { slug: string }) {
  return (
    <Link
      href={`/w/${slug}/syncs/new`}
      className="inline-flex items-center gap-1.5 rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
    >
      <Plus className="h-4 w-4" aria-hidden />
      Create a new Sync
    </Link>
  );
}

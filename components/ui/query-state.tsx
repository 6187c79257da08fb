import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Spinner } from "./spinner";

/** Loading and error states for a query, so every screen handles them the same way. */
export function QueryState({ isPending, error, children }: { isPending: boolean; error: { message: string } | null; children: ReactNode }) {
  if (isPending) {
    return (
      <div className="flex items-center gap-2 py-10 text-sm text-slate-500" aria-busy="true">
        <Spinner className="h-4 w-4" /> Loading…
      </div>
    );
  }
  if (error) return <Alert title="Could not load this">{error.message}</Alert>;
  return <>{children}</>;
}

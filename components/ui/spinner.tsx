import { clsx } from "clsx";

export function Spinner({ className }: { className?: string }) {
  return <span role="status" aria-label="Loading" className={clsx("inline-block animate-spin rounded-full border-2 border-current border-t-transparent", className ?? "h-5 w-5")} />;
}

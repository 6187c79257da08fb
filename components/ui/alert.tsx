import { clsx } from "clsx";
import type { ReactNode } from "react";

export function Alert({ tone = "error", title, children, className }: { tone?: "error" | "success" | "info" | "warning"; title?: ReactNode; children?: ReactNode; className?: string }) {
  const styles = {
    error: "border-red-200 bg-red-50 text-red-800",
    success: "border-emerald-200 bg-emerald-50 text-emerald-800",
    info: "border-brand-100 bg-brand-50 text-brand-700",
    warning: "border-amber-200 bg-amber-50 text-amber-900",
  }[tone];
  return (
    <div role={tone === "error" ? "alert" : "status"} className={clsx("rounded-md border px-4 py-3 text-sm", styles, className)}>
      {title ? <p className="font-medium">{title}</p> : null}
      {children ? <div className={title ? "mt-1" : undefined}>{children}</div> : null}
    </div>
  );
}

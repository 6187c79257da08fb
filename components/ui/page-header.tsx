import type { ReactNode } from "react";

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="break-words text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-500">{description}</p> : null}
      </div>
      {/* Buttons keep their labels on one line; on a phone the row wraps instead. */}
      {actions ? <div className="flex flex-wrap items-center gap-2 [&>*]:shrink-0">{actions}</div> : null}
    </header>
  );
}

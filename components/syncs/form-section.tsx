import type { ReactNode } from "react";

/** One numbered step of the sync form, as in the seed guides ("1. Select a Source", …). */
export function FormSection({ step, title, description, children, id }: { step: number; title: string; description?: ReactNode; children: ReactNode; id: string }) {
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <header className="flex items-start gap-3 border-b border-slate-100 px-5 py-4">
        <span aria-hidden className="mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-brand-600 text-xs font-semibold text-white">
          {step}
        </span>
        <div>
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            <span className="sr-only">Step {step}: </span>
            {title}
          </h2>
          {description ? <p className="mt-0.5 text-sm text-slate-500">{description}</p> : null}
        </div>
      </header>
      <div className="space-y-4 px-5 py-4">{children}</div>
    </section>
  );
}

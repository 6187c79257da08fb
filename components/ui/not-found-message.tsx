import Link from "next/link";
import type { ReactNode } from "react";
import { BrandMark } from "./brand-mark";

/** The branded 404: what is missing, why that can happen, and the one way back. */
export function NotFoundMessage({ title, description, backHref, backLabel }: { title: string; description: ReactNode; backHref: string; backLabel: string }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center px-4 py-16 text-center">
      <BrandMark className="h-12 w-12" />
      <p className="mt-6 text-sm font-semibold uppercase tracking-wide text-brand-600">404 · Not found</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      <p className="mt-2 text-sm text-slate-600">{description}</p>
      <Link href={backHref} className="mt-6 inline-flex items-center rounded-md bg-brand-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-brand-700">
        {backLabel}
      </Link>
    </div>
  );
}

import type { ReactNode } from "react";
import { BrandMark } from "~/components/ui/brand-mark";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="inline-flex items-center gap-2 text-2xl font-semibold tracking-tight text-brand-700">
            <BrandMark className="h-8 w-8" />
            Tidewater
          </p>
          <p className="mt-1 text-sm text-slate-500">Warehouse data to CleverTap and Customer.io</p>
        </div>
        {children}
      </div>
    </main>
  );
}

import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "~/components/providers/trpc-react-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tidewater", template: "%s · Tidewater" },
  description: "Self-hosted reverse ETL: sync warehouse data to CleverTap and Customer.io.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so its scripts carry that response's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}

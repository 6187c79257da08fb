import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "~/components/auth/sign-up-form";
import { auth } from "~/server/auth";
import { oauthProviderIds } from "~/server/auth/config";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; email?: string }> }) {
  const { callbackUrl, email } = await searchParams;
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  if (await auth()) redirect(safeCallback);
  return <SignUpForm callbackUrl={safeCallback} oauthProviders={oauthProviderIds()} defaultEmail={email ?? ""} />;
}

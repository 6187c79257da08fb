import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "~/components/auth/sign-up-form";
import { auth } from "~/server/auth";
import { oauthProviderIds } from "~/server/auth/config";
import { getAppUrl } from "~/server/lib/app-url";
import { safeCallbackPath } from "~/server/lib/callback-url";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; email?: string }> }) {
  const { callbackUrl, email } = await searchParams;
  const safeCallback = safeCallbackPath(callbackUrl, getAppUrl());
  if (await auth()) redirect(safeCallback);
  return <SignUpForm callbackUrl={safeCallback} oauthProviders={oauthProviderIds()} defaultEmail={email ?? ""} />;
}

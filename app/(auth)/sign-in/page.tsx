import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "~/components/auth/sign-in-form";
import { auth } from "~/server/auth";
import { oauthProviderIds } from "~/server/auth/config";
import { describeSignInError } from "~/server/auth/sign-in-error";
import { getAppUrl } from "~/server/lib/app-url";
import { safeCallbackPath } from "~/server/lib/callback-url";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const safeCallback = safeCallbackPath(callbackUrl, getAppUrl());
  if (await auth()) redirect(safeCallback);
  return <SignInForm callbackUrl={safeCallback} oauthProviders={oauthProviderIds()} initialError={describeSignInError(error)} />;
}

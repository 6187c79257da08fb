"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/field";
import { OauthButtons } from "./oauth-buttons";

type Values = { email: string; password: string };

export function SignInForm({ callbackUrl, oauthProviders, initialError }: { callbackUrl: string; oauthProviders: ("github" | "google")[]; initialError: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
  const { register, handleSubmit, formState } = useForm<Values>({ defaultValues: { email: "", password: "" } });

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    const result = await signIn("credentials", { redirect: false, email: values.email, password: values.password });
    if (!result || result.error) {
      setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.");
      return;
    }
    // The page passed callbackUrl through safeCallbackPath (server/lib/callback-url.ts): an on-site path.
    router.replace(callbackUrl);
    router.refresh();
  });

  return (
    <Card>
      <CardBody className="space-y-5 py-6">
        <h1 className="text-lg font-semibold">Sign in</h1>
        {error ? <Alert>{error}</Alert> : null}
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field id="email" label="Email" error={formState.errors.email?.message}>
            <Input id="email" type="email" autoComplete="email" autoFocus {...register("email", { required: "Enter your email." })} />
          </Field>
          <Field id="password" label="Password" error={formState.errors.password?.message}>
            <Input id="password" type="password" autoComplete="current-password" {...register("password", { required: "Enter your password." })} />
          </Field>
          <Button type="submit" className="w-full" isLoading={formState.isSubmitting}>
            Sign in
          </Button>
        </form>
        <OauthButtons providers={oauthProviders} callbackUrl={callbackUrl} />
        <p className="text-center text-sm text-slate-500">
          New here?{" "}
          <Link className="font-medium text-brand-600 hover:underline" href={`/sign-up?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Create an account
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}

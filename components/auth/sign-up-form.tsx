"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/field";
import { OauthButtons } from "./oauth-buttons";

type Values = { name: string; email: string; password: string };

export function SignUpForm({ callbackUrl, oauthProviders, defaultEmail }: { callbackUrl: string; oauthProviders: ("github" | "google")[]; defaultEmail: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, formState, setError: setFieldError } = useForm<Values>({ defaultValues: { name: "", email: defaultEmail, password: "" } });
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    try {
      await signUp.mutateAsync(values);
    } catch (e) {
      const data = (e as { data?: { fieldErrors?: Record<string, string> | null; zodError?: { fieldErrors?: Record<string, string[]> } | null } }).data;
      for (const [field, message] of Object.entries(data?.fieldErrors ?? {})) setFieldError(field as keyof Values, { message });
      for (const [field, messages] of Object.entries(data?.zodError?.fieldErrors ?? {})) setFieldError(field as keyof Values, { message: messages[0] });
      setError((e as Error).message);
      return;
    }
    const result = await signIn("credentials", { redirect: false, email: values.email, password: values.password });
    if (result?.error) {
      setError(result.error);
      return;
    }
    // The page passed callbackUrl through safeCallbackPath (server/lib/callback-url.ts): an on-site path.
    router.replace(callbackUrl);
    router.refresh();
  });

  return (
    <Card>
      <CardBody className="space-y-5 py-6">
        <h1 className="text-lg font-semibold">Create your account</h1>
        {error ? <Alert>{error}</Alert> : null}
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field id="name" label="Name" error={formState.errors.name?.message}>
            <Input id="name" autoComplete="name" autoFocus {...register("name")} />
          </Field>
          <Field id="email" label="Email" error={formState.errors.email?.message}>
            <Input id="email" type="email" autoComplete="email" {...register("email", { required: "Enter your email." })} />
          </Field>
          <Field id="password" label="Password" help="At least 10 characters, mixing letters with digits or symbols." error={formState.errors.password?.message}>
            <Input id="password" type="password" autoComplete="new-password" {...register("password", { required: "Choose a password." })} />
          </Field>
          <Button type="submit" className="w-full" isLoading={formState.isSubmitting}>
            Create account
          </Button>
        </form>
        <OauthButtons providers={oauthProviders} callbackUrl={callbackUrl} />
        <p className="text-center text-sm text-slate-500">
          Already have an account?{" "}
          <Link className="font-medium text-brand-600 hover:underline" href={`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
            Sign in
          </Link>
        </p>
      </CardBody>
    </Card>
  );
}

"use client";

import { signIn } from "next-auth/react";
import { Button } from "~/components/ui/button";

const LABELS = { github: "Continue with GitHub", google: "Continue with Google" } as const;

export function OauthButtons({ providers, callbackUrl }: { providers: ("github" | "google")[]; callbackUrl: string }) {
  if (providers.length === 0) return null;
  return (
    <div className="space-y-2">
      <div className="relative py-2 text-center text-xs uppercase tracking-wide text-slate-400">
        <span className="bg-white px-2">or</span>
      </div>
      {providers.map((id) => (
        <Button key={id} variant="secondary" className="w-full" onClick={() => void signIn(id, { callbackUrl })}>
          {LABELS[id]}
        </Button>
      ))}
    </div>
  );
}

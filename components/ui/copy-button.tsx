"use client";

import { useState } from "react";
import { Button } from "./button";

/** Copies `value` to the clipboard and says so; where the clipboard is unavailable it asks to copy by hand. */
export function CopyButton({ value, label = "Copy", className }: { value: string; label?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <Button
      size="sm"
      variant="secondary"
      className={className}
      aria-live="polite"
      onClick={() => {
        const write = navigator.clipboard?.writeText(value);
        if (!write) return setState("failed");
        write.then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Select and copy it" : label}
    </Button>
  );
}

/** A secret shown once (a token or an invitation link), with its Copy button. */
export function OneTimeSecret({ value, testId }: { value: string; testId: string }) {
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      <code data-testid={testId} className="block min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-800 select-all">
        {value}
      </code>
      <CopyButton value={value} className="shrink-0 self-start sm:self-auto" />
    </div>
  );
}

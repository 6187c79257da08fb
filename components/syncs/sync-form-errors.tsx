"use client";

import { createContext, useContext, type ReactNode } from "react";

/** Error messages keyed by the definition's public paths (`syncKey.column`, `mappings.2.type`, `model`). */
export type SyncFieldErrors = Record<string, string>;

const SyncFieldErrorsContext = createContext<SyncFieldErrors>({});

export function SyncFieldErrorsProvider({ errors, children }: { errors: SyncFieldErrors; children: ReactNode }) {
  return <SyncFieldErrorsContext.Provider value={errors}>{children}</SyncFieldErrorsContext.Provider>;
}

/** The message for one path; `model.schema`-style sub-paths of the model and schedule show on their section's control. */
export function useSyncFieldError(path: string): string | undefined {
  return useContext(SyncFieldErrorsContext)[path];
}

/** The DOM id of the control for a path, so the error summary can link to it and aria-describedby can point at its message. */
export function controlIdFor(path: string): string {
  return `sync-${path.replaceAll(".", "-")}`;
}

/** Folds sub-paths the form has no separate control for into the control that owns them. */
export function normalizeErrorPaths(errors: Record<string, string>): SyncFieldErrors {
  const out: SyncFieldErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const transforms = /^(mappings\.\d+\.transforms)\./.exec(path);
    const target = path.startsWith("model.") ? "model" : path.startsWith("schedule.") ? "schedule" : path === "syncKey" ? "syncKey.column" : transforms ? transforms[1]! : path;
    out[target] = out[target] ? `${out[target]} ${message}` : message;
  }
  return out;
}

/** Props that wire a control to its error message for assistive technology. */
export function describeControl(path: string, error: string | undefined) {
  return { id: controlIdFor(path), "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${controlIdFor(path)}-error` : undefined } as const;
}

"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

/**
 * Filters kept in the page's query string, so they survive a reload and a shared link opens the same
 * view. `set` replaces the history entry (typing in a search box is not a step back).
 *
 * It writes with `history.replaceState`, which Next.js syncs into `useSearchParams`, and builds on
 * `location.search` at the moment of the call: a router navigation commits later, so two changes in
 * quick succession (status, then trigger) would each start from the old query and the second would
 * undo the first. Filters are read on the client, so no server round trip is wanted either.
 */
export function useUrlQuery<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const values = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>;
  const set = useCallback((patch: Partial<Record<K, string>>) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(patch) as [K, string | undefined][]) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const qs = next.toString();
    window.history.replaceState(null, "", qs ? `${window.location.pathname}?${qs}` : window.location.pathname);
  }, []);
  return [values, set] as const;
}

"use client";

import { useQueryClient } from "@tanstack/react-query";
import { format } from "date-fns";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Card, CardHeader } from "~/components/ui/card";
import { Spinner } from "~/components/ui/spinner";
import { useWorkspace } from "~/components/workspace/workspace-context";
import type { RunLogLine } from "./sync-run-types";

/** After a failed load, try again this soon even if the run no longer moves. */
const RETRY_MS = 6000;
const LEVEL_STYLES: Record<string, string> = { info: "text-slate-700", warn: "text-amber-700", error: "text-red-700" };

/**
 * Follows a run's step log with `afterId`: each time `revision` changes (the run page's one poll saw the
 * run move, including a new log line), only the new lines are fetched, page after page.
 */
function useRunLogTail(runId: string, revision: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const [lines, setLines] = useState<RunLogLine[]>([]);
  const [finished, setFinished] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryToken, setRetryToken] = useState(0);
  const afterId = useRef<string | undefined>(undefined);
  // One pull at a time; a revision that arrives meanwhile asks for one more pull after it.
  const pulling = useRef(false);
  const pullAgain = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    let retry: ReturnType<typeof setTimeout> | undefined;
    const pull = async (): Promise<void> => {
      if (pulling.current) {
        pullAgain.current = true;
        return;
      }
      pulling.current = true;
      try {
        for (;;) {
          const page = await queryClient.fetchQuery({ ...trpc.syncRun.logs.queryOptions({ workspaceId: workspace.id, runId, afterId: afterId.current }), staleTime: 0 });
          if (!mounted.current) return;
          if (page.logs.length) setLines((previous) => [...previous, ...page.logs]);
          afterId.current = page.nextAfterId ?? afterId.current;
          setFinished(page.finished && !page.hasMore);
          if (!page.hasMore) break;
        }
        setError(null);
      } catch (e) {
        if (!mounted.current) return;
        setError(e instanceof Error ? e.message : String(e));
        retry = setTimeout(() => setRetryToken((n) => n + 1), RETRY_MS);
      } finally {
        pulling.current = false;
      }
      if (pullAgain.current && mounted.current) {
        pullAgain.current = false;
        await pull();
      }
    };
    void pull();
    return () => clearTimeout(retry);
  }, [queryClient, trpc, workspace.id, runId, revision, retryToken]);
  return { lines, finished, error };
}

/** The step-by-step log, tailing live while the run is active. Key it by the run id: its state belongs to one run. */
export function RunLog({ runId, revision }: { runId: string; revision: string }) {
  const { lines, finished, error } = useRunLogTail(runId, revision);
  const boxRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  // Scroll the log box, never the page: the reader may be looking at the counts above.
  useEffect(() => {
    const box = boxRef.current;
    if (follow && !finished && box) box.scrollTop = box.scrollHeight;
  }, [lines.length, follow, finished]);
  return (
    <Card className="mt-6">
      <CardHeader
        title="Log"
        description="What the run did, step by step."
        actions={
          finished ? null : (
            <label className="inline-flex items-center gap-2 text-xs text-slate-600">
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
            </label>
          )
        }
      />
      {error ? (
        <Alert className="m-4" title="Could not load the log">
          {error}
        </Alert>
      ) : null}
      <div ref={boxRef} className="max-h-96 overflow-auto px-5 py-3" role="log" aria-live="polite" aria-label="Run log">
        {lines.length === 0 ? (
          <p className="text-sm text-slate-500">{finished ? "This run wrote no log lines." : "Waiting for the first step…"}</p>
        ) : (
          <ol className="space-y-0.5 font-mono text-xs">
            {lines.map((line) => (
              <li key={line.id} className={`grid grid-cols-[5.5rem_1fr] gap-x-2 sm:grid-cols-[5.5rem_6rem_1fr] ${LEVEL_STYLES[line.level] ?? "text-slate-700"}`}>
                <time className="text-slate-400" dateTime={line.at.toISOString()}>
                  {format(line.at, "HH:mm:ss.SSS")}
                </time>
                <span className="truncate text-slate-500">{line.step}</span>
                {/* On a phone the message gets its own full-width line under the time and step. */}
                <span className="col-span-2 mb-1 whitespace-pre-wrap break-words sm:col-span-1 sm:mb-0">{line.message}</span>
              </li>
            ))}
          </ol>
        )}
        {!finished ? (
          <p className="mt-2 inline-flex items-center gap-2 text-xs text-slate-500">
            <Spinner className="h-3 w-3" /> Live
          </p>
        ) : null}
      </div>
    </Card>
  );
}

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

const POLL_MS = 1500;
const LEVEL_STYLES: Record<string, string> = { info: "text-slate-700", warn: "text-amber-700", error: "text-red-700" };

/** Follows a run's step log with `afterId`: only new lines are fetched, until the run has finished and nothing is left. */
function useRunLogTail(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const [lines, setLines] = useState<RunLogLine[]>([]);
  const [finished, setFinished] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let afterId: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const page = await queryClient.fetchQuery({ ...trpc.syncRun.logs.queryOptions({ workspaceId: workspace.id, runId, afterId }), staleTime: 0 });
        if (stopped) return;
        setError(null);
        if (page.logs.length) setLines((previous) => [...previous, ...page.logs]);
        afterId = page.nextAfterId ?? afterId;
        if (page.finished && !page.hasMore) {
          setFinished(true);
          return;
        }
        timer = setTimeout(() => void tick(), page.hasMore ? 0 : POLL_MS);
      } catch (e) {
        if (stopped) return;
        setError(e instanceof Error ? e.message : String(e));
        timer = setTimeout(() => void tick(), POLL_MS * 4);
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [queryClient, trpc, workspace.id, runId]);
  return { lines, finished, error };
}

/** The step-by-step log, tailing live while the run is active. Key it by the run id: its state belongs to one run. */
export function RunLog({ runId }: { runId: string }) {
  const { lines, finished, error } = useRunLogTail(runId);
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

"use client";

import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { ProgressBar } from "~/components/ui/progress-bar";
import { useWorkspace } from "~/components/workspace/workspace-context";
import type { AppRouter } from "~/server/api/root";

type CheckPart = inferRouterOutputs<AppRouter>["sync"]["checkWholeModel"];
type Group = CheckPart["groups"][number];
type Target = { syncId: string; definition?: Record<string, unknown> } | { definition: Record<string, unknown> };

/** The parts added up so far. `stopped`: the person stopped the check before the end of the model. */
export type WholeModelTally = { rowsChecked: number; invalidRows: number; groups: Group[]; totalRows: number | null; complete: boolean; stopped: boolean };

export type WholeModelCheck =
  | { status: "idle" }
  | { status: "running"; tally: WholeModelTally; stopping: boolean }
  | { status: "done"; tally: WholeModelTally }
  | { status: "error"; message: string; tally: WholeModelTally };

/** The same limits the server applies within one part (server/sync/dry-run.ts). */
const MAX_GROUPS = 50;
const EXAMPLE_KEYS_PER_GROUP = 5;
const OTHER = "\u0000other";

const EMPTY: WholeModelTally = { rowsChecked: 0, invalidRows: 0, groups: [], totalRows: null, complete: false, stopped: false };

/** Adds a part's counts to the tally: groups by field and reason, biggest first. */
export function addPart(tally: WholeModelTally, part: CheckPart, first: boolean): WholeModelTally {
  const byId = new Map(tally.groups.map((g) => [g.field === null && g.reason === "other reasons" ? OTHER : `${g.field ?? ""}\u0000${g.reason}`, { ...g, exampleKeys: [...g.exampleKeys] }]));
  for (const group of part.groups) {
    let id = group.field === null && group.reason === "other reasons" ? OTHER : `${group.field ?? ""}\u0000${group.reason}`;
    if (!byId.has(id) && byId.size >= MAX_GROUPS) id = OTHER;
    const into = byId.get(id) ?? (id === OTHER ? { field: null, reason: "other reasons", rows: 0, exampleKeys: [] } : { ...group, rows: 0, exampleKeys: [] });
    into.rows += group.rows;
    for (const key of group.exampleKeys) if (into.exampleKeys.length < EXAMPLE_KEYS_PER_GROUP && !into.exampleKeys.includes(key)) into.exampleKeys.push(key);
    byId.set(id, into);
  }
  return {
    rowsChecked: tally.rowsChecked + part.rowsChecked,
    invalidRows: tally.invalidRows + part.invalidRows,
    groups: [...byId.values()].sort((a, b) => b.rows - a.rows),
    totalRows: first ? part.totalRows : tally.totalRows,
    complete: part.nextCursor === null,
    stopped: false,
  };
}

/**
 * "Check the whole model", part by part: each call reads a few seconds of pages from where the last
 * one stopped, so a model of any size is checked with a live count, and Stop ends it between parts.
 */
export function useWholeModelCheck() {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const part = useMutation(trpc.sync.checkWholeModel.mutationOptions());
  const [check, setCheck] = useState<WholeModelCheck>({ status: "idle" });
  const generation = useRef(0);
  const stopRequested = useRef(false);
  // A check still going when the page goes away stops after its part in flight.
  useEffect(() => () => void (generation.current += 1), []);

  const start = useCallback(
    async (target: Target) => {
      const mine = ++generation.current;
      stopRequested.current = false;
      let tally = EMPTY;
      let after: string | undefined;
      setCheck({ status: "running", tally, stopping: false });
      try {
        for (;;) {
          const result = await part.mutateAsync({ ...target, workspaceId: workspace.id, ...(after === undefined ? {} : { after }) });
          if (generation.current !== mine) return;
          tally = addPart(tally, result, after === undefined);
          if (result.nextCursor === null) {
            setCheck({ status: "done", tally });
            return;
          }
          if (stopRequested.current) {
            setCheck({ status: "done", tally: { ...tally, stopped: true } });
            return;
          }
          setCheck({ status: "running", tally, stopping: false });
          after = result.nextCursor;
        }
      } catch (error) {
        if (generation.current === mine) setCheck({ status: "error", message: error instanceof Error ? error.message : String(error), tally });
      }
    },
    [part, workspace.id],
  );

  const stop = useCallback(() => {
    stopRequested.current = true;
    setCheck((current) => (current.status === "running" ? { ...current, stopping: true } : current));
  }, []);

  return { check, start, stop };
}

const number = new Intl.NumberFormat("en-US");

/** The live progress of a running check: rows checked of the model's rows, and the share. */
export function WholeModelProgress({ tally }: { tally: WholeModelTally }) {
  const share = tally.totalRows ? Math.min(1, tally.rowsChecked / tally.totalRows) : null;
  const text =
    tally.rowsChecked === 0 && tally.totalRows === null
      ? "Counting the model's rows and reading the first page…"
      : tally.totalRows !== null
      ? `${number.format(tally.rowsChecked)} of ${number.format(tally.totalRows)} rows checked${share !== null ? ` (${Math.floor(share * 100)}%)` : ""}`
      : `${number.format(tally.rowsChecked)} rows checked`;
  return (
    <div className="space-y-1.5" data-testid="whole-model-progress">
      <ProgressBar value={share} label="Whole-model check" valueText={text} />
      <p className="text-xs tabular-nums text-slate-600">
        {text}
        {tally.invalidRows > 0 ? ` · ${number.format(tally.invalidRows)} invalid so far` : ""}
      </p>
    </div>
  );
}

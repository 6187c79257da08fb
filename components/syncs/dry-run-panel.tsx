"use client";

import { useMutation } from "@tanstack/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { FlaskConical, ListChecks, Square } from "lucide-react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Spinner } from "~/components/ui/spinner";
import { useWorkspace } from "~/components/workspace/workspace-context";
import type { AppRouter } from "~/server/api/root";
import { useWholeModelCheck, WholeModelProgress, type WholeModelTally } from "./whole-model-check";

type DryRunInput = inferRouterInputs<AppRouter>["sync"]["dryRun"];
type DryRunOutput = inferRouterOutputs<AppRouter>["sync"]["dryRun"];
type Fate = DryRunOutput["sample"]["rows"][number]["fate"];
/** What to dry-run: a saved sync, or the form's definition. Null when the form is not complete yet. */
export type DryRunTarget = { syncId: string; definition?: Record<string, unknown> } | { definition: Record<string, unknown> };

const FATES: Record<Fate, { label: string; tone: "green" | "blue" | "gray" | "red" }> = {
  create: { label: "Create", tone: "green" },
  update: { label: "Update", tone: "blue" },
  unchanged: { label: "Unchanged", tone: "gray" },
  invalid: { label: "Invalid", tone: "red" },
};

const number = new Intl.NumberFormat("en-US");

function plural(n: number, one: string, many = `${one}s`): string {
  return `${number.format(n)} ${n === 1 ? one : many}`;
}

function SampleTable({ result }: { result: DryRunOutput }) {
  const { sample, keyColumn, destination } = result;
  const { counts } = sample;
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700" data-testid="dry-run-summary">
        {plural(sample.rows.length, "row")} in {keyColumn} order: {number.format(counts.create)} create, {number.format(counts.update)} update, {number.format(counts.unchanged)} unchanged,{" "}
        {number.format(counts.invalid)} invalid. Nothing was sent to {destination.label}.
      </p>
      {sample.skipsInitialRows ? (
        <Alert tone="info" title="The first run skips current rows">
          The initial sync is set to skip current rows: the first run marks these rows as seen and sends nothing. Later runs send what changes.
        </Alert>
      ) : null}
      {sample.nullKeyRows > 0 ? (
        <Alert tone="warning" title={`${plural(sample.nullKeyRows, "row has", "rows have")} no sync key`}>
          Rows whose {keyColumn} is empty are invalid and never sent; they are not part of the sample.
        </Alert>
      ) : null}
      {sample.rows.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">The model has no rows with a sync key: a run would send nothing.</p>
      ) : (
        // The payloads are wide: the table scrolls inside the card, never the page.
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="w-full min-w-[36rem] text-left text-sm" aria-label="Dry run sample">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  #
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Key
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Fate
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Payload {destination.label} would receive
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {sample.rows.map((row, i) => {
                const fate = FATES[row.fate];
                const json = row.payload === null ? "" : JSON.stringify(row.payload, null, 2);
                return (
                  <tr key={`${i}-${row.key}`} data-testid="dry-run-row" data-key={row.key} data-fate={row.fate} className="align-top">
                    <td className="px-3 py-2 tabular-nums text-slate-400">{i + 1}</td>
                    <td className="min-w-[6rem] max-w-[12rem] px-3 py-2 font-mono text-xs text-slate-900 [overflow-wrap:anywhere]">{row.key}</td>
                    <td className="px-3 py-2">
                      <Badge tone={fate.tone}>{fate.label}</Badge>
                    </td>
                    <td className="px-3 py-2">
                      {row.fate === "invalid" ? (
                        <ul className="space-y-0.5 text-xs text-red-700" data-testid="dry-run-problems">
                          {row.problems.map((p, j) => (
                            <li key={j}>
                              {p.field ? <span className="font-medium">{p.field}</span> : "Record"} {p.reason}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <details className="group">
                          <summary className="max-w-[28rem] cursor-pointer truncate rounded font-mono text-xs text-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
                            {JSON.stringify(row.payload)}
                          </summary>
                          <pre data-testid="dry-run-payload" className="mt-2 max-h-80 max-w-[32rem] overflow-auto rounded bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
                            {json}
                          </pre>
                        </details>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The check's counts: final, stopped part-way, or (`running`) the parts so far. */
function WholeModelResult({ result, running = false }: { result: WholeModelTally; running?: boolean }) {
  const checked = result.totalRows !== null && !result.complete ? `${number.format(result.rowsChecked)} of ${number.format(result.totalRows)}` : number.format(result.rowsChecked);
  if (running && result.invalidRows === 0) return null;
  return (
    <div className="space-y-3" data-testid={running ? "dry-run-whole-model-so-far" : "dry-run-whole-model"}>
      {!running && !result.complete ? (
        <Alert tone="warning" title="Stopped before the end of the model">
          {result.stopped ? "You stopped the check" : "The check stopped"} after {checked} rows. The counts below are for those rows only.
        </Alert>
      ) : null}
      {result.invalidRows === 0 ? (
        <Alert tone="success" title={`All ${number.format(result.rowsChecked)} rows are valid`}>
          No row of the model would be refused before sending.
        </Alert>
      ) : (
        <>
          <p className="text-sm text-slate-700">
            {plural(result.invalidRows, "row")} of {checked} would be invalid and not sent:
          </p>
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Invalid rows by field and reason">
            {result.groups.map((group) => (
              <li key={`${group.field}|${group.reason}`} className="px-3 py-2 text-sm" data-testid="dry-run-group">
                <span className="font-semibold tabular-nums text-slate-900">{plural(group.rows, "row")}:</span> {group.field ? <span className="font-medium text-slate-900">{group.field}</span> : null}{" "}
                <span className="text-slate-700">{group.reason}</span>
                {group.exampleKeys.length ? <span className="block break-all text-xs text-slate-500">e.g. {group.exampleKeys.join(", ")}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * "Dry run" and "Check the whole model": what the next run would send, shown before anything is sent.
 * `getTarget` answers what to dry-run, or null after it showed why the form is not ready.
 */
export function DryRunPanel({ getTarget, description }: { getTarget: () => DryRunTarget | null; description: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const sample = useMutation(trpc.sync.dryRun.mutationOptions());
  const { check, start: startCheck, stop: stopCheck } = useWholeModelCheck();
  const checking = check.status === "running";

  const start = (whole: boolean) => {
    const target = getTarget();
    if (!target) return;
    if (whole) void startCheck(target);
    else sample.mutate({ ...target, workspaceId: workspace.id, wholeModel: false } satisfies DryRunInput);
  };

  return (
    <div className="space-y-4" data-testid="dry-run">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="min-w-0 flex-[1_1_16rem] text-sm text-slate-500">{description}</p>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" onClick={() => start(false)} isLoading={sample.isPending}>
            {sample.isPending ? null : <FlaskConical className="h-4 w-4" aria-hidden />} Dry run
          </Button>
          {checking ? (
            <Button variant="secondary" onClick={stopCheck} disabled={check.stopping}>
              <Square className="h-4 w-4" aria-hidden /> {check.stopping ? "Stopping…" : "Stop the check"}
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => start(true)}>
              <ListChecks className="h-4 w-4" aria-hidden /> Check the whole model
            </Button>
          )}
        </div>
      </div>
      <div aria-live="polite" className="space-y-4">
        {sample.isPending ? (
          <p className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner className="h-4 w-4" /> Reading up to 50 rows and building their payloads…
          </p>
        ) : sample.error ? (
          <Alert title="The dry run did not work">{sample.error.message}</Alert>
        ) : sample.data ? (
          <SampleTable result={sample.data} />
        ) : null}
        {check.status === "running" ? (
          <div className="space-y-3">
            <p className="flex items-center gap-2 text-sm text-slate-500">
              <Spinner className="h-4 w-4" /> Checking every row of the model, page by page; nothing is sent.
            </p>
            <WholeModelProgress tally={check.tally} />
            <WholeModelResult result={check.tally} running />
          </div>
        ) : check.status === "error" ? (
          <Alert title="The whole-model check did not work">
            {check.message}
            {check.tally.rowsChecked > 0 ? ` (after ${number.format(check.tally.rowsChecked)} rows)` : ""}
          </Alert>
        ) : check.status === "done" ? (
          <WholeModelResult result={check.tally} />
        ) : null}
      </div>
    </div>
  );
}

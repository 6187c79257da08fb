"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Field, Input, Select } from "~/components/ui/field";
import { Spinner } from "~/components/ui/spinner";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { FormSection } from "./form-section";
import { controlIdFor, useSyncFieldError } from "./sync-form-errors";
import { buildSchedule, type ScheduleDefinition, type ScheduleFormValues, type ScheduleKind, type SyncFormValues } from "./sync-form-values";

const KINDS: { id: ScheduleKind; label: string }[] = [
  { id: "manual", label: "Manual (Run Sync Now)" },
  { id: "minutes", label: "Every N minutes" },
  { id: "hours", label: "Every N hours" },
  { id: "daily", label: "Daily at a time" },
  { id: "cron", label: "Custom cron expression" },
];

/** The schedule as typed, settled for a moment, so the preview does not query on every keystroke. */
function useSettledSchedule(schedule: ScheduleDefinition): ScheduleDefinition {
  const key = JSON.stringify(schedule);
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), 350);
    return () => clearTimeout(timer);
  }, [key]);
  return JSON.parse(settled) as ScheduleDefinition;
}

function formatRun(date: Date, timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone, timeZoneName: "short" }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** The description and next 5 runs of the schedule being edited (shared by the editor and the summary). */
export function useSchedulePreview(schedule: ScheduleFormValues) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const settled = useSettledSchedule(buildSchedule(schedule));
  const query = useQuery({ ...trpc.sync.previewSchedule.queryOptions({ workspaceId: workspace.id, schedule: settled }), retry: false, placeholderData: (previous) => previous });
  return { query, settled };
}

export type SchedulePreview = ReturnType<typeof useSchedulePreview>;

/** "Set Sync Trigger": manual, every N minutes/hours, daily at a time, or cron in a time zone, with the next 5 runs. */
export function ScheduleEditor({ step, schedulePreview }: { step: number; schedulePreview: SchedulePreview }) {
  const { register, control } = useFormContext<SyncFormValues>();
  const schedule = useWatch({ control, name: "schedule" });
  const { query: preview, settled } = schedulePreview;
  const serverError = useSyncFieldError("schedule");
  const initialSyncError = useSyncFieldError("initialSync");
  const zone = settled.type === "cron" ? settled.timezone : undefined;
  const error = serverError ?? preview.error?.message;

  return (
    <FormSection step={step} id="sync-schedule" title="Set Sync Trigger" description="Run it yourself with Run Sync Now, or on a schedule. Either way only changed rows are sent.">
      <fieldset>
        <legend className="mb-2 block text-sm font-medium text-slate-800">Initial sync</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 p-3 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
            <input type="radio" value="all" className="mt-0.5" {...register("initialSync")} />
            <span>
              <span className="block font-medium text-slate-900">Send all current rows</span>
              <span className="block text-slate-500">The first run sends every row; later runs send changes.</span>
            </span>
          </label>
          <label className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 p-3 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
            <input type="radio" value="skip" className="mt-0.5" {...register("initialSync")} />
            <span>
              <span className="block font-medium text-slate-900">Skip current rows</span>
              <span className="block text-slate-500">The first run only marks today&apos;s rows as seen; later runs send what changes or arrives.</span>
            </span>
          </label>
        </div>
        {initialSyncError ? (
          <p role="alert" className="mt-1 text-xs font-medium text-red-600">
            {initialSyncError}
          </p>
        ) : null}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="sync-schedule-kind" label="Schedule">
          <Select id="sync-schedule-kind" {...register("schedule.kind")}>
            {KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </Select>
        </Field>
        {schedule.kind === "minutes" || schedule.kind === "hours" ? (
          <Field id="sync-schedule-every" label={schedule.kind === "minutes" ? "Every (minutes)" : "Every (hours)"}>
            <Input id="sync-schedule-every" type="number" min={1} inputMode="numeric" {...register("schedule.every")} aria-invalid={error ? true : undefined} aria-describedby={error ? `${controlIdFor("schedule")}-error` : undefined} />
          </Field>
        ) : null}
        {schedule.kind === "daily" ? (
          <Field id="sync-schedule-time" label="At (24-hour time)">
            <Input id="sync-schedule-time" type="time" {...register("schedule.time")} />
          </Field>
        ) : null}
        {schedule.kind === "cron" ? (
          <Field id="sync-schedule-expression" label="Cron expression" help="minute hour day-of-month month day-of-week, e.g. 0 6 * * 1-5">
            <Input id="sync-schedule-expression" className="font-mono" spellCheck={false} {...register("schedule.expression")} aria-invalid={error ? true : undefined} aria-describedby={error ? `${controlIdFor("schedule")}-error` : undefined} />
          </Field>
        ) : null}
        {schedule.kind === "daily" || schedule.kind === "cron" ? (
          <Field id="sync-schedule-timezone" label="Time zone" help="An IANA name, e.g. UTC, Europe/Paris.">
            <Input id="sync-schedule-timezone" list="sync-time-zones" autoComplete="off" {...register("schedule.timezone")} />
          </Field>
        ) : null}
      </div>
      <datalist id="sync-time-zones">
        {(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"]).map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <div className="rounded-md bg-slate-50 px-4 py-3 text-sm" aria-live="polite" id={controlIdFor("schedule")}>
        {error ? (
          <p id={`${controlIdFor("schedule")}-error`} role="alert" className="font-medium text-red-600">
            {error}
          </p>
        ) : preview.data ? (
          <>
            <p className="font-medium text-slate-800" data-testid="schedule-description">
              {preview.data.description}
            </p>
            {preview.data.nextRuns.length ? (
              <>
                <p className="mt-2 text-xs font-medium uppercase tracking-wide text-slate-500">Next 5 runs</p>
                <ol className="mt-1 space-y-0.5 text-slate-700" aria-label="Next 5 runs">
                  {preview.data.nextRuns.map((d) => (
                    <li key={d.toISOString()} className="tabular-nums">
                      {formatRun(d, zone)}
                    </li>
                  ))}
                </ol>
              </>
            ) : (
              <p className="mt-1 text-slate-500">Runs only when you click Run Sync Now (or call the API).</p>
            )}
          </>
        ) : (
          <span className="inline-flex items-center gap-2 text-slate-500">
            <Spinner className="h-3.5 w-3.5" /> Working out the next runs…
          </span>
        )}
      </div>
    </FormSection>
  );
}

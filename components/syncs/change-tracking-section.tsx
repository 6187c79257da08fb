"use client";

import { useEffect } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { Field, Input } from "~/components/ui/field";
import { ColumnSelect } from "./column-select";
import { FormSection } from "./form-section";
import { describeControl, useSyncFieldError } from "./sync-form-errors";
import { DEFAULT_LOOKBACK_MINUTES, type SyncFormValues } from "./sync-form-values";
import type { DestinationObjectView, ModelColumn } from "./sync-types";

function isTrackable(column: ModelColumn | undefined): boolean {
  return column?.type === "date" || column?.type === "number";
}

/**
 * "Change Tracking": an optional column (updated_at, an increasing id) so runs read only the rows that
 * changed since the last successful run, with a look-back for late writes and a periodic full compare.
 * A new event sync on a numeric or date key starts with the key itself: only new rows are read.
 */
export function ChangeTrackingSection({ step, columns, object }: { step: number; columns: ModelColumn[]; object: DestinationObjectView }) {
  const { register, control, setValue, getValues } = useFormContext<SyncFormValues>();
  const [column, syncKeyColumn, auto] = useWatch({ control, name: ["changeTrackingColumn", "syncKeyColumn", "changeTrackingAuto"] });
  const columnError = useSyncFieldError("changeTracking.column");
  const lookbackError = useSyncFieldError("changeTracking.lookbackMinutes");
  const fullCompareError = useSyncFieldError("changeTracking.fullCompareHours");
  const isEvent = object.type === "event";
  const trackable = columns.filter(isTrackable);
  const chosen = columns.find((c) => c.name === column);
  const keyIsIncreasing = isEvent && isTrackable(columns.find((c) => c.name === syncKeyColumn));

  useEffect(() => {
    if (!auto) return;
    const next = keyIsIncreasing ? syncKeyColumn : "";
    if (getValues("changeTrackingColumn") !== next) setValue("changeTrackingColumn", next);
    const key = columns.find((c) => c.name === syncKeyColumn);
    if (keyIsIncreasing) setValue("changeLookbackMinutes", key?.type === "date" ? DEFAULT_LOOKBACK_MINUTES : "0");
  }, [auto, keyIsIncreasing, syncKeyColumn, columns, getValues, setValue]);

  const columnField = register("changeTrackingColumn", { onChange: () => setValue("changeTrackingAuto", false) });
  return (
    <FormSection
      step={step}
      id="sync-change-tracking"
      title="Change Tracking (optional)"
      description={
        isEvent
          ? "Events are sent once per key. When the sync key increases (an id or a time), each run reads only the rows after the last one it read: that is the default for event syncs on a numeric or date key."
          : "Name a column that every write updates (e.g. updated_at) and each run reads only the rows changed since the last successful run, instead of comparing the whole model."
      }
    >
      <Field
        id="sync-changeTracking-column"
        label="Change-tracking column"
        error={columnError}
        help={
          column
            ? "Rows an incremental run does not read are not compared (not counted as unchanged); rows rejected earlier are retried when they change or at the next full compare."
            : "None: every run reads and compares every row."
        }
      >
        <ColumnSelect columns={trackable} placeholder="None: read every row" {...describeControl("changeTracking.column", columnError)} {...columnField} />
      </Field>
      {column ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id="sync-changeTracking-lookbackMinutes"
            label="Look-back (minutes)"
            error={lookbackError}
            help={chosen?.type === "number" ? "Numbers have no look-back: rows past the highest value read are new." : "Also re-read rows changed this long before the watermark, for writes that commit late."}
          >
            <Input type="number" min={0} inputMode="numeric" readOnly={chosen?.type === "number"} {...describeControl("changeTracking.lookbackMinutes", lookbackError)} {...register("changeLookbackMinutes")} />
          </Field>
          <Field id="sync-changeTracking-fullCompareHours" label="Full compare every (hours)" error={fullCompareError} help="A run this long after the last full compare reads every row, to catch changes the column misses.">
            <Input type="number" min={1} inputMode="numeric" {...describeControl("changeTracking.fullCompareHours", fullCompareError)} {...register("fullCompareHours")} />
          </Field>
        </div>
      ) : null}
    </FormSection>
  );
}

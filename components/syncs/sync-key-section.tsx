"use client";

import { ArrowRight } from "lucide-react";
import { useFormContext, useWatch } from "react-hook-form";
import { Field, Input, Select } from "~/components/ui/field";
import { ColumnSelect } from "./column-select";
import { FormSection } from "./form-section";
import { controlIdFor, describeControl, useSyncFieldError } from "./sync-form-errors";
import type { SyncFormValues } from "./sync-form-values";
import type { DestinationObjectView, ModelColumn } from "./sync-types";

function IdentifierSelect({ path, object, label, register }: { path: "syncKey.identifier" | "event.identifier"; object: DestinationObjectView; label: string; register: ReturnType<typeof useFormContext<SyncFormValues>>["register"] }) {
  const error = useSyncFieldError(path);
  return (
    <Field id={controlIdFor(path)} label={label} error={error}>
      <Select {...describeControl(path, error)} {...register(path === "syncKey.identifier" ? "syncKeyIdentifier" : "eventIdentifier")}>
        {object.identifiers.map((i) => (
          <option key={i.id} value={i.id} title={i.description}>
            {i.label}
          </option>
        ))}
      </Select>
    </Field>
  );
}

/** "Select a Sync Key": the unique source column, and (for records) the destination identifier it matches. */
export function SyncKeySection({ step, columns, object }: { step: number; columns: ModelColumn[]; object: DestinationObjectView }) {
  const { register } = useFormContext<SyncFormValues>();
  const keyError = useSyncFieldError("syncKey.column");
  const isEvent = object.type === "event";
  return (
    <FormSection
      step={step}
      id="sync-key"
      title="Select a Sync Key"
      description={
        isEvent
          ? "A column that identifies each source row uniquely (e.g. an event id). Each new key raises one event, once."
          : "The column and the destination field must hold the same unique value, e.g. user_id → User Identity. Rows with an empty or repeated key are skipped as invalid."
      }
    >
      <div className="grid items-end gap-3 sm:grid-cols-[1fr_auto_1fr]">
        <Field id="sync-syncKey-column" label="Source column" error={keyError}>
          <ColumnSelect columns={columns} placeholder="Choose the key column…" {...describeControl("syncKey.column", keyError)} {...register("syncKeyColumn")} />
        </Field>
        <ArrowRight className="mb-2.5 hidden h-4 w-4 text-slate-400 sm:block" aria-hidden />
        {isEvent ? <p className="pb-2 text-sm text-slate-500">Unique row id (not sent as a field)</p> : <IdentifierSelect path="syncKey.identifier" object={object} label={`${object.label} identifier`} register={register} />}
      </div>
    </FormSection>
  );
}

/** Event objects: the event name (constant or column) and the user identity are mandatory; Customer.io also takes an event id. */
export function EventSection({ step, columns, object }: { step: number; columns: ModelColumn[]; object: DestinationObjectView }) {
  const { register, control } = useFormContext<SyncFormValues>();
  const nameKind = useWatch({ control, name: "eventNameKind" });
  const eventError = useSyncFieldError("event");
  const nameConstantOnly = useSyncFieldError("event.name.constant");
  const nameAny = useSyncFieldError("event.name");
  const nameConstantError = nameConstantOnly ?? nameAny;
  const nameColumnError = useSyncFieldError("event.name.column");
  const identityError = useSyncFieldError("event.identityColumn");
  const idError = useSyncFieldError("event.idColumn");
  const timestampError = useSyncFieldError("event.timestampColumn");
  return (
    <FormSection step={step} id="sync-event" title="Configure Event Syncing" description="Syncing the Event Name and the User Identity is mandatory.">
      {eventError ? (
        <p role="alert" className="text-xs font-medium text-red-600">
          {eventError}
        </p>
      ) : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Event name</legend>
        <div className="flex gap-4 text-sm">
          <label className="inline-flex items-center gap-2">
            <input type="radio" value="constant" {...register("eventNameKind")} /> The same name for every row
          </label>
          <label className="inline-flex items-center gap-2">
            <input type="radio" value="column" {...register("eventNameKind")} /> From a column
          </label>
        </div>
        {nameKind === "constant" ? (
          <Field id="sync-event-name-constant" label="Event name" error={nameConstantError} help="e.g. Charged, Signed Up">
            <Input {...describeControl("event.name.constant", nameConstantError)} placeholder="Charged" {...register("eventNameConstant")} />
          </Field>
        ) : (
          <Field id="sync-event-name-column" label="Event name column" error={nameColumnError}>
            <ColumnSelect columns={columns} placeholder="Choose a column…" {...describeControl("event.name.column", nameColumnError)} {...register("eventNameColumn")} />
          </Field>
        )}
      </fieldset>
      <div className="grid items-start gap-3 sm:grid-cols-[1fr_auto_1fr]">
        <Field id="sync-event-identityColumn" label="User identity column" error={identityError} help="Links each event to the user's profile.">
          <ColumnSelect columns={columns} placeholder="Choose a column…" {...describeControl("event.identityColumn", identityError)} {...register("identityColumn")} />
        </Field>
        <ArrowRight className="mt-9 hidden h-4 w-4 text-slate-400 sm:block" aria-hidden />
        <IdentifierSelect path="event.identifier" object={object} label="Matches the user's" register={register} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {object.supportsEventId ? (
          <Field id="sync-event-idColumn" label="Event id column (de-duplication)" error={idError} help="A globally unique id per row, so the destination never records an event twice.">
            <ColumnSelect columns={columns} placeholder="Use the sync key" {...describeControl("event.idColumn", idError)} {...register("idColumn")} />
          </Field>
        ) : null}
        <Field id="sync-event-timestampColumn" label="Timestamp column (optional)" error={timestampError} help="When the event happened; the time of sending when empty.">
          <ColumnSelect columns={columns} placeholder="Time of sending" {...describeControl("event.timestampColumn", timestampError)} {...register("timestampColumn")} />
        </Field>
      </div>
    </FormSection>
  );
}

"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { Field, Select } from "~/components/ui/field";
import { FormSection } from "./form-section";
import { describeControl, useSyncFieldError } from "./sync-form-errors";
import type { SyncFormValues } from "./sync-form-values";
import type { ConnectionListItem, DestinationObjectView } from "./sync-types";

/** Steps 2–3: the destination connection, its object (Profile/Event, Person/Event) and the sync behavior the object offers. */
export function DestinationSection({ step, destinations, objects, object }: { step: number; destinations: ConnectionListItem[]; objects: DestinationObjectView[]; object: DestinationObjectView | undefined }) {
  const { register, control } = useFormContext<SyncFormValues>();
  const [destinationId, behavior] = useWatch({ control, name: ["destinationId", "behavior"] });
  const destinationError = useSyncFieldError("destinationId");
  const objectError = useSyncFieldError("object");
  const behaviorError = useSyncFieldError("behavior");
  return (
    <>
      <FormSection step={step} id="sync-destination" title="Select a Destination" description="Choose the destination connection and the object rows become.">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="sync-destinationId" label="Destination connection" error={destinationError}>
            <Select {...describeControl("destinationId", destinationError)} {...register("destinationId")}>
              <option value="">Choose a destination…</option>
              {destinations.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.typeLabel})
                </option>
              ))}
            </Select>
          </Field>
          <Field id="sync-object" label="Object" error={objectError} help={object ? (object.type === "event" ? "Each new row raises one event." : "Each row updates one record.") : undefined}>
            <Select {...describeControl("object", objectError)} disabled={!destinationId} {...register("object")}>
              <option value="">{destinationId ? "Choose an object…" : "Choose a destination first"}</option>
              {objects.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      </FormSection>
      {object ? (
        <FormSection step={step + 1} id="sync-behavior" title="Select a Sync Behavior" description="How rows change the destination.">
          <fieldset aria-describedby={behaviorError ? "sync-behavior-error" : undefined}>
            <legend className="sr-only">Sync behavior</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {object.behaviors.map((b) => (
                <label key={b.id} className={`flex cursor-pointer items-start gap-3 rounded-md border p-3 text-sm ${behavior === b.id ? "border-brand-500 bg-brand-50" : "border-slate-200"}`}>
                  <input type="radio" value={b.id} className="mt-0.5" {...register("behavior")} />
                  <span>
                    <span className="block font-medium text-slate-900">{b.label}</span>
                    <span className="block text-slate-500">{b.description}</span>
                  </span>
                </label>
              ))}
            </div>
            {behaviorError ? (
              <p id="sync-behavior-error" role="alert" className="mt-1 text-xs font-medium text-red-600">
                {behaviorError}
              </p>
            ) : null}
          </fieldset>
        </FormSection>
      ) : null}
    </>
  );
}

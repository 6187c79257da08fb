"use client";

import { ArrowRight, Plus, Sparkles, Trash2 } from "lucide-react";
import { useFormContext, useWatch, type UseFieldArrayReturn } from "react-hook-form";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Input, Select } from "~/components/ui/field";
import { ColumnSelect } from "./column-select";
import { FormSection } from "./form-section";
import { controlIdFor, describeControl, useSyncFieldError } from "./sync-form-errors";
import { createEmptyMapping, type SyncFormValues } from "./sync-form-values";
import { FIELD_TYPE_LABELS, type DestinationObjectView, type FieldType, type ModelColumn } from "./sync-types";

const TYPES = Object.keys(FIELD_TYPE_LABELS) as FieldType[];

function RowError({ path }: { path: string }) {
  const error = useSyncFieldError(path);
  if (!error) return null;
  return (
    <p id={`${controlIdFor(path)}-error`} role="alert" className="text-xs font-medium text-red-600">
      {error}
    </p>
  );
}

function MappingRowEditor({ index, columns, object, onRemove }: { index: number; columns: ModelColumn[]; object: DestinationObjectView; onRemove: () => void }) {
  const { register, control, setValue } = useFormContext<SyncFormValues>();
  const row = useWatch({ control, name: `mappings.${index}` });
  const n = index + 1;
  const columnPath = `mappings.${index}.from.column`;
  const constantPath = `mappings.${index}.from.constant`;
  const toPath = `mappings.${index}.to`;
  const typePath = `mappings.${index}.type`;
  const columnError = useSyncFieldError(columnPath);
  const constantError = useSyncFieldError(constantPath);
  const toError = useSyncFieldError(toPath);
  const typeError = useSyncFieldError(typePath);
  const fromError = useSyncFieldError(`mappings.${index}.from`);
  const standard = object.standardFields.find((f) => f.name === row?.to);
  const unmatch = () => setValue(`mappings.${index}.matched`, false);
  return (
    <li className="rounded-md border border-slate-200 p-3" data-testid={`mapping-row-${index}`}>
      <div className="grid items-start gap-2 md:grid-cols-[7rem_1fr_auto_1fr_8rem_auto]">
        <Select aria-label={`Mapping ${n}: source kind`} {...register(`mappings.${index}.sourceKind`, { onChange: unmatch })}>
          <option value="column">Column</option>
          <option value="constant">Constant</option>
        </Select>
        {row?.sourceKind === "constant" ? (
          <Input aria-label={`Mapping ${n}: constant value`} placeholder="A value sent for every row" {...describeControl(constantPath, constantError)} {...register(`mappings.${index}.constant`, { onChange: unmatch })} />
        ) : (
          <ColumnSelect aria-label={`Mapping ${n}: source column`} columns={columns} placeholder="Choose a column…" {...describeControl(columnPath, columnError ?? fromError)} {...register(`mappings.${index}.column`, { onChange: unmatch })} />
        )}
        <ArrowRight className="mt-2.5 hidden h-4 w-4 text-slate-400 md:block" aria-hidden />
        <div className="space-y-1">
          <Input
            aria-label={`Mapping ${n}: destination field`}
            list="sync-standard-fields"
            placeholder="Standard field or a new custom field"
            autoComplete="off"
            {...describeControl(toPath, toError)}
            {...register(`mappings.${index}.to`, {
              onChange: (e: { target: { value: string } }) => {
                unmatch();
                const field = object.standardFields.find((f) => f.name === e.target.value);
                if (field) setValue(`mappings.${index}.type`, field.type);
              },
            })}
          />
          <p className="text-xs text-slate-500">
            {row?.matched ? (
              <Badge tone="blue" className="mr-1">
                auto-matched
              </Badge>
            ) : null}
            {standard ? `${standard.label}${standard.description ? ` · ${standard.description}` : ""}` : row?.to ? "Custom field" : null}
          </p>
        </div>
        <Select aria-label={`Mapping ${n}: type`} {...describeControl(typePath, typeError)} {...register(`mappings.${index}.type`, { onChange: unmatch })}>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {FIELD_TYPE_LABELS[t]}
            </option>
          ))}
        </Select>
        <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove mapping ${n}`} className="mt-1">
          <Trash2 className="h-4 w-4" aria-hidden />
        </Button>
      </div>
      <RowError path={columnPath} />
      <RowError path={`mappings.${index}.from`} />
      <RowError path={constantPath} />
      <RowError path={toPath} />
      <RowError path={typePath} />
    </li>
  );
}

/** "Set Up Field Mappings": Specific Columns (auto-matched standard fields, custom fields, constants) or Sync All Columns. */
export function MappingsEditor({
  step,
  columns,
  object,
  destinationLabel,
  mappings,
  onAutoMatch,
  isMatching,
}: {
  step: number;
  columns: ModelColumn[];
  object: DestinationObjectView;
  destinationLabel: string;
  mappings: UseFieldArrayReturn<SyncFormValues, "mappings">;
  onAutoMatch: () => void;
  isMatching: boolean;
}) {
  const { register, control } = useFormContext<SyncFormValues>();
  const { fields, append, remove } = mappings;
  const mode = useWatch({ control, name: "mappingMode" });
  const mappingsError = useSyncFieldError("mappings");
  return (
    <FormSection step={step} id="sync-mappings" title={`Set Up ${destinationLabel} Field Mappings`} description="Standard fields are matched to your columns by name; you can change them, add custom fields, or send a constant.">
      <fieldset>
        <legend className="sr-only">Which columns to sync</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className={`flex cursor-pointer items-start gap-3 rounded-md border p-3 text-sm ${mode === "specific" ? "border-brand-500 bg-brand-50" : "border-slate-200"}`}>
            <input type="radio" value="specific" className="mt-0.5" {...register("mappingMode")} />
            <span>
              <span className="block font-medium text-slate-900">Specific Columns</span>
              <span className="block text-slate-500">Specify exactly which columns apply to the destination.</span>
            </span>
          </label>
          <label className={`flex cursor-pointer items-start gap-3 rounded-md border p-3 text-sm ${mode === "all" ? "border-brand-500 bg-brand-50" : "border-slate-200"}`}>
            <input type="radio" value="all" className="mt-0.5" {...register("mappingMode")} />
            <span>
              <span className="block font-medium text-slate-900">Sync All Columns</span>
              <span className="block text-slate-500">Every column is sent under its own name; new columns are added automatically. Mappings below rename or retype some.</span>
            </span>
          </label>
        </div>
      </fieldset>
      {mappingsError ? (
        <p id={`${controlIdFor("mappings")}-error`} role="alert" className="text-xs font-medium text-red-600">
          {mappingsError}
        </p>
      ) : null}
      <datalist id="sync-standard-fields">
        {object.standardFields.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label}
          </option>
        ))}
      </datalist>
      {fields.length ? (
        <ol className="space-y-2" aria-label="Field mappings" id={controlIdFor("mappings")}>
          {fields.map((f, index) => (
            <MappingRowEditor key={f.id} index={index} columns={columns} object={object} onRemove={() => remove(index)} />
          ))}
        </ol>
      ) : (
        <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500" id={controlIdFor("mappings")}>
          No field mappings yet. {mode === "all" ? "All columns will be sent under their own names." : "Add one, or choose Sync All Columns."}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" size="sm" onClick={() => append(createEmptyMapping())}>
          <Plus className="h-3.5 w-3.5" aria-hidden /> Add Mapping
        </Button>
        <Button variant="secondary" size="sm" onClick={() => append({ ...createEmptyMapping(), to: "" }, { focusName: `mappings.${fields.length}.to` })}>
          <Plus className="h-3.5 w-3.5" aria-hidden /> Add Custom Field
        </Button>
        <Button variant="ghost" size="sm" onClick={onAutoMatch} isLoading={isMatching}>
          <Sparkles className="h-3.5 w-3.5" aria-hidden /> Match standard fields
        </Button>
      </div>
    </FormSection>
  );
}

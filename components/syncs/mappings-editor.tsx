"use client";

import { ArrowRight, Plus, Settings2, Sparkles, Trash2 } from "lucide-react";
import { useId, useMemo, useState } from "react";
import { useFormContext, useWatch, type UseFieldArrayReturn } from "react-hook-form";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Input, Select } from "~/components/ui/field";
import { ColumnSelect } from "./column-select";
import { FormSection } from "./form-section";
import { controlIdFor, describeControl, useSyncFieldError } from "./sync-form-errors";
import { listPhoneCountries } from "./phone-countries";
import { createEmptyMapping, type MappingRow, type SyncFormValues } from "./sync-form-values";
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

/** Short words for the settings a row has, shown while its settings are folded away. */
function describeSettings(row: MappingRow | undefined): string[] {
  if (!row) return [];
  const words: string[] = [];
  if (row.sourceKind === "column") {
    if (row.trim) words.push("Trim");
    if (row.lowercase) words.push("Lower-case");
    if (row.e164) words.push(`E.164${row.defaultCountry ? ` · ${row.defaultCountry}` : ""}`);
  }
  if (row.onInvalid === "drop_field") words.push("Drops the field if invalid");
  return words;
}

/** "When a value is invalid" and the transforms of one mapping. */
function MappingSettings({ index, id, row, object, destinationLabel }: { index: number; id: string; row: MappingRow | undefined; object: DestinationObjectView; destinationLabel: string }) {
  const { register } = useFormContext<SyncFormValues>();
  const n = index + 1;
  const transformsPath = `mappings.${index}.transforms`;
  const transformsError = useSyncFieldError(transformsPath);
  const countries = useMemo(() => listPhoneCountries(), []);
  const isColumn = row?.sourceKind !== "constant";
  const isText = row?.type === "string";
  return (
    <div id={id} className="mt-3 grid gap-4 border-t border-slate-100 pt-3 sm:grid-cols-2" data-testid={`mapping-settings-${index}`}>
      <div className="space-y-1">
        <label htmlFor={`${id}-policy`} className="block text-sm font-medium text-slate-800">
          When a value is invalid
        </label>
        <Select id={`${id}-policy`} aria-describedby={`${id}-policy-help`} {...register(`mappings.${index}.onInvalid`)}>
          <option value="skip_row">Skip the row</option>
          <option value="drop_field">Drop this field, send the rest</option>
        </Select>
        <p id={`${id}-policy-help`} className="text-xs text-slate-500">
          {row?.onInvalid === "drop_field"
            ? "The row is sent without this field; the run lists each dropped value with its reason."
            : "The row is not sent and counts as invalid, with the field and the reason."}
        </p>
      </div>
      <fieldset className="space-y-1.5" aria-describedby={transformsError ? `${controlIdFor(transformsPath)}-error` : undefined}>
        <legend className="text-sm font-medium text-slate-800">Transforms</legend>
        {isColumn ? (
          <>
            <p className="text-xs text-slate-500">Applied to the column&apos;s value before it is checked and sent.</p>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" aria-label={`Mapping ${n}: trim spaces`} {...register(`mappings.${index}.trim`)} /> Trim spaces
            </label>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" aria-label={`Mapping ${n}: lower-case`} {...register(`mappings.${index}.lowercase`)} /> Lower-case
            </label>
            <label className="flex items-start gap-2 text-sm text-slate-700">
              <input type="checkbox" className="mt-0.5" aria-label={`Mapping ${n}: normalise phone to E.164`} disabled={!isText && !row?.e164} {...register(`mappings.${index}.e164`)} />
              <span>
                Normalise phone to E.164
                <span className="block text-xs text-slate-500">{isText ? "020 7946 0007 with GB becomes +442079460007." : "Phone numbers are text: set the type to String first."}</span>
              </span>
            </label>
            {row?.e164 ? (
              <div className="space-y-1 pl-6">
                <label htmlFor={`${id}-country`} className="block text-xs font-medium text-slate-700">
                  Default country
                </label>
                <Select id={`${id}-country`} {...register(`mappings.${index}.defaultCountry`)}>
                  <option value="">None: numbers must start with +</option>
                  {countries.map((c) => (
                    <option key={c.code} value={c.code}>
                      {c.label}
                    </option>
                  ))}
                </Select>
                <p className="text-xs text-slate-500">For numbers written without a country code.</p>
              </div>
            ) : null}
          </>
        ) : (
          <p className="text-xs text-slate-500">A constant is sent as typed; transforms apply to column values.</p>
        )}
        <RowError path={transformsPath} />
      </fieldset>
      {row?.type === "json" ? (
        <p className={`text-xs sm:col-span-2 ${object.objectValues.accepted ? "text-slate-500" : "font-medium text-red-600"}`}>
          {destinationLabel} {object.label}: {object.objectValues.note}
        </p>
      ) : null}
    </div>
  );
}

function MappingRowEditor({ index, columns, object, destinationLabel, onRemove }: { index: number; columns: ModelColumn[]; object: DestinationObjectView; destinationLabel: string; onRemove: () => void }) {
  const { register, control, setValue } = useFormContext<SyncFormValues>();
  const row = useWatch({ control, name: `mappings.${index}` });
  const n = index + 1;
  const settingsId = `${useId()}-settings`;
  const columnPath = `mappings.${index}.from.column`;
  const constantPath = `mappings.${index}.from.constant`;
  const toPath = `mappings.${index}.to`;
  const typePath = `mappings.${index}.type`;
  const columnError = useSyncFieldError(columnPath);
  const constantError = useSyncFieldError(constantPath);
  const toError = useSyncFieldError(toPath);
  const typeError = useSyncFieldError(typePath);
  const fromError = useSyncFieldError(`mappings.${index}.from`);
  const transformsError = useSyncFieldError(`mappings.${index}.transforms`);
  const policyError = useSyncFieldError(`mappings.${index}.onInvalid`);
  const settingsError = transformsError ?? policyError;
  const [isOpen, setIsOpen] = useState(false);
  const showSettings = isOpen || Boolean(settingsError);
  const standard = object.standardFields.find((f) => f.name === row?.to);
  const unmatch = () => setValue(`mappings.${index}.matched`, false);
  const summary = describeSettings(row);
  return (
    <li className="rounded-md border border-slate-200 p-3" data-testid={`mapping-row-${index}`}>
      <div className="grid items-start gap-2 md:grid-cols-[7rem_1fr_auto_1fr_8rem_auto_auto]">
        <Select aria-label={`Mapping ${n}: source kind`} {...register(`mappings.${index}.sourceKind`, { onChange: unmatch })}>
          <option value="column">Column</option>
          <option value="constant">Constant</option>
        </Select>
        {row?.sourceKind === "constant" ? (
          <Input aria-label={`Mapping ${n}: constant value`} placeholder="A value sent for every row" {...describeControl(constantPath, constantError)} {...register(`mappings.${index}.constant`, { onChange: unmatch })} />
        ) : (
          <ColumnSelect
            aria-label={`Mapping ${n}: source column`}
            columns={columns}
            placeholder="Choose a column…"
            {...describeControl(columnPath, columnError ?? fromError)}
            {...register(`mappings.${index}.column`, {
              onChange: (e: { target: { value: string } }) => {
                unmatch();
                // A standard field keeps the type it expects; anything else starts from the column's own type.
                const column = columns.find((c) => c.name === e.target.value);
                if (column && !standard) setValue(`mappings.${index}.type`, object.defaultFieldTypes[column.type]);
              },
            })}
          />
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
            <option key={t} value={t} disabled={t === "json" && !object.objectValues.accepted && row?.type !== "json"}>
              {FIELD_TYPE_LABELS[t]}
              {t === "json" && !object.objectValues.accepted ? ` (not accepted by ${destinationLabel})` : ""}
            </option>
          ))}
        </Select>
        <Button variant="secondary" size="sm" onClick={() => setIsOpen((open) => !open)} aria-expanded={showSettings} aria-controls={settingsId} aria-label={`Mapping ${n}: settings`} className="mt-1">
          <Settings2 className="h-4 w-4" aria-hidden />
          <span className="md:sr-only">Settings</span>
        </Button>
        <Button variant="ghost" size="sm" onClick={onRemove} aria-label={`Remove mapping ${n}`} className="mt-1">
          <Trash2 className="h-4 w-4" aria-hidden />
        </Button>
      </div>
      {summary.length && !showSettings ? (
        <p className="mt-2 flex flex-wrap gap-1" aria-label={`Mapping ${n} settings`}>
          {summary.map((word) => (
            <Badge key={word} tone={word.startsWith("Drops") ? "amber" : "gray"}>
              {word}
            </Badge>
          ))}
        </p>
      ) : null}
      {showSettings ? <MappingSettings index={index} id={settingsId} row={row} object={object} destinationLabel={destinationLabel} /> : null}
      <RowError path={columnPath} />
      <RowError path={`mappings.${index}.from`} />
      <RowError path={constantPath} />
      <RowError path={toPath} />
      <RowError path={typePath} />
      <RowError path={`mappings.${index}.onInvalid`} />
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
            <MappingRowEditor key={f.id} index={index} columns={columns} object={object} destinationLabel={destinationLabel} onRemove={() => remove(index)} />
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

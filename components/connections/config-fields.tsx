"use client";

import { KeyRound } from "lucide-react";
import type { UseFormRegister } from "react-hook-form";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Field, Input, Select, Textarea } from "~/components/ui/field";
import type { ConnectionFormValues, SecretAction } from "./config-form-values";
import type { ConfigFieldView } from "./connection-types";

type SecretState = {
  /** Secrets with a stored value: they start as "Set — Replace" instead of an input. */
  stored: Set<string>;
  actions: Record<string, SecretAction>;
  onChange: (name: string, action: SecretAction) => void;
  /** Stored secrets to type again because an endpoint field moved (they are not sent to the new endpoint). */
  reentry?: { names: Set<string>; endpoints: string[] };
};

function describeReentry(field: ConfigFieldView, endpoints: string[]): string {
  const where = endpoints.join(" and ");
  return `Enter the ${field.label} again: it is not sent to a new host (you changed ${where}).`;
}

function describedBy(id: string, field: ConfigFieldView, error: string | undefined): string | undefined {
  return [field.help ? `${id}-help` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

function FieldLabel({ field }: { field: ConfigFieldView }) {
  return (
    <>
      {field.label}
      {field.required ? (
        <span className="ml-0.5 text-red-600" aria-hidden>
          *
        </span>
      ) : field.defaultValue === undefined ? (
        <span className="ml-1.5 text-xs font-normal text-slate-400">optional</span>
      ) : null}
    </>
  );
}

function ConfigControl({ field, id, error, register, autoFocus }: { field: ConfigFieldView; id: string; error?: string; register: UseFormRegister<ConnectionFormValues>; autoFocus?: boolean }) {
  const common = {
    id,
    autoFocus,
    placeholder: field.placeholder,
    "aria-invalid": error ? true : undefined,
    "aria-required": field.required || undefined,
    "aria-describedby": describedBy(id, field, error),
    ...register(`config.${field.name}`),
  };
  if (field.widget === "textarea") return <Textarea rows={field.secret ? 6 : 4} spellCheck={false} autoComplete="off" {...common} />;
  if (field.type === "enum") {
    return (
      <Select {...common}>
        {field.defaultValue === undefined ? <option value="">{field.required ? "Choose…" : "—"}</option> : null}
        {field.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    );
  }
  if (field.secret) return <Input type="password" autoComplete="new-password" spellCheck={false} {...common} />;
  if (field.type === "number") return <Input type="number" inputMode="numeric" className="max-w-40" {...common} />;
  return <Input type="text" autoComplete="off" spellCheck={false} {...common} />;
}

function StoredSecretField({ field, id, error, secrets, register }: { field: ConfigFieldView; id: string; error?: string; secrets: SecretState; register: UseFormRegister<ConnectionFormValues> }) {
  const action = secrets.actions[field.name] ?? "keep";
  if (action === "replace") {
    return (
      <Field id={id} label={<FieldLabel field={field} />} help={field.help} error={error}>
        <div className="flex items-start gap-2">
          <div className="flex-1">
            <ConfigControl field={field} id={id} error={error} register={register} autoFocus />
          </div>
          <Button variant="ghost" onClick={() => secrets.onChange(field.name, "keep")} aria-label={`Keep the stored ${field.label}`}>
            Cancel
          </Button>
        </div>
      </Field>
    );
  }
  return (
    <Field id={id} label={<FieldLabel field={field} />} help={field.help} error={error}>
      <div className="flex flex-wrap items-center gap-2 rounded-md border border-dashed border-slate-300 bg-slate-50 px-3 py-2 text-sm">
        <KeyRound className="h-4 w-4 text-slate-400" aria-hidden />
        {action === "remove" ? (
          <>
            <span className="flex-1 text-slate-600">Removed when you save.</span>
            <Button size="sm" variant="ghost" onClick={() => secrets.onChange(field.name, "keep")} aria-label={`Keep the stored ${field.label}`}>
              Undo
            </Button>
          </>
        ) : (
          <>
            <Badge tone="green">Set</Badge>
            <span className="flex-1 text-slate-500">Stored encrypted, never shown again.</span>
            <Button id={id} size="sm" variant="secondary" onClick={() => secrets.onChange(field.name, "replace")} aria-label={`Replace ${field.label}`}>
              Replace
            </Button>
            {!field.required ? (
              <Button size="sm" variant="ghost" onClick={() => secrets.onChange(field.name, "remove")} aria-label={`Remove ${field.label}`}>
                Remove
              </Button>
            ) : null}
          </>
        )}
      </div>
    </Field>
  );
}

/** The form a connector's config schema describes: one control per field, in schema order. */
export function ConfigFields({
  fields,
  register,
  errors,
  idPrefix,
  secrets,
}: {
  fields: ConfigFieldView[];
  register: UseFormRegister<ConnectionFormValues>;
  errors: Record<string, string | undefined>;
  idPrefix: string;
  secrets?: SecretState;
}) {
  return (
    <>
      {fields.map((field) => {
        const id = `${idPrefix}-${field.name}`;
        const error = errors[field.name];
        if (field.secret && secrets?.reentry?.names.has(field.name)) {
          const again = { ...field, required: true, help: describeReentry(field, secrets.reentry.endpoints) };
          return (
            <Field key={field.name} id={id} label={<FieldLabel field={again} />} help={again.help} error={error}>
              <ConfigControl field={again} id={id} error={error} register={register} />
            </Field>
          );
        }
        if (field.secret && secrets?.stored.has(field.name)) {
          return <StoredSecretField key={field.name} field={field} id={id} error={error} secrets={secrets} register={register} />;
        }
        if (field.type === "boolean") {
          return (
            <div key={field.name} className="space-y-1">
              <div className="flex items-center gap-2">
                <input
                  id={id}
                  type="checkbox"
                  className="h-4 w-4 rounded border-slate-300 text-brand-600 focus:ring-2 focus:ring-brand-100"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={describedBy(id, field, error)}
                  {...register(`config.${field.name}`)}
                />
                <label htmlFor={id} className="text-sm font-medium text-slate-800">
                  {field.label}
                </label>
              </div>
              {field.help ? (
                <p id={`${id}-help`} className="pl-6 text-xs text-slate-500">
                  {field.help}
                </p>
              ) : null}
              {error ? (
                <p id={`${id}-error`} role="alert" className="pl-6 text-xs font-medium text-red-600">
                  {error}
                </p>
              ) : null}
            </div>
          );
        }
        return (
          <Field key={field.name} id={id} label={<FieldLabel field={field} />} help={field.help} error={error}>
            <ConfigControl field={field} id={id} error={error} register={register} />
          </Field>
        );
      })}
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { useFormContext, useWatch } from "react-hook-form";
import { PreviewTable } from "~/components/connections/preview-table";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field, Select, Textarea } from "~/components/ui/field";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { FormSection } from "./form-section";
import { describeControl, useSyncFieldError } from "./sync-form-errors";
import { joinTableRef, type ModelDefinition, type SyncFormValues } from "./sync-form-values";
import type { ConnectionListItem } from "./sync-types";

/** Step 1: the source connection and its model (a table, or a read-only SQL query), with the first rows. */
export function ModelSection({ step, sources, model, onApplySql }: { step: number; sources: ConnectionListItem[]; model: ModelDefinition | null; onApplySql: () => void }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const { register, control } = useFormContext<SyncFormValues>();
  const [sourceId, modelType, sql] = useWatch({ control, name: ["sourceId", "modelType", "sql"] });
  const sourceError = useSyncFieldError("sourceId");
  const modelError = useSyncFieldError("model");
  const catalog = useQuery({ ...trpc.connection.discover.queryOptions({ workspaceId: workspace.id, connectionId: sourceId }), enabled: !!sourceId && modelType === "table", retry: false });
  const preview = useQuery({ ...trpc.connection.preview.queryOptions({ workspaceId: workspace.id, connectionId: sourceId, model: model ?? { type: "sql", sql: "" } }), enabled: !!sourceId && !!model, retry: false });
  const sqlIsApplied = model?.type === "sql" && model.sql === sql.trim();

  return (
    <FormSection step={step} id="sync-source" title="Select a Source" description="Choose a source connection, then the schema and table to sync, or write a SQL query.">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="sync-sourceId" label="Source connection" error={sourceError}>
          <Select {...describeControl("sourceId", sourceError)} {...register("sourceId")}>
            <option value="">Choose a source…</option>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.typeLabel})
              </option>
            ))}
          </Select>
        </Field>
        <fieldset className="space-y-1">
          <legend className="block text-sm font-medium text-slate-800">Model</legend>
          <div className="flex gap-4 pt-2 text-sm">
            <label className="inline-flex items-center gap-2">
              <input type="radio" value="table" {...register("modelType")} /> Table
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="radio" value="sql" {...register("modelType")} /> SQL query
            </label>
          </div>
        </fieldset>
      </div>
      {!sourceId ? null : modelType === "table" ? (
        <QueryState isPending={catalog.isPending} error={catalog.error}>
          <Field id="sync-model" label="Schema and table" error={modelError} help="Tables are grouped by schema.">
            <Select {...describeControl("model", modelError)} {...register("tableRef")}>
              <option value="">Choose a table…</option>
              {catalog.data?.schemas.map((schema) => (
                <optgroup key={schema.name} label={schema.name}>
                  {schema.tables.map((t) => (
                    <option key={`${schema.name}.${t.name}`} value={joinTableRef(schema.name, t.name)}>
                      {schema.name}.{t.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </Select>
          </Field>
          {catalog.data && catalog.data.schemas.every((s) => s.tables.length === 0) ? <Alert tone="warning">This source has no tables the connection can read. Write a SQL query instead.</Alert> : null}
        </QueryState>
      ) : (
        <div className="space-y-2">
          <Field id="sync-model" label="SQL query" error={modelError} help="One read-only SELECT (or WITH) query. It runs in a read-only transaction with a time limit.">
            <Textarea rows={6} spellCheck={false} placeholder="SELECT user_id, email, username FROM public.users" {...describeControl("model", modelError)} {...register("sql", { onBlur: onApplySql })} />
          </Field>
          <Button variant="secondary" size="sm" onClick={onApplySql} disabled={!sql.trim() || sqlIsApplied}>
            {sqlIsApplied ? "Query previewed" : "Preview query"}
          </Button>
        </div>
      )}
      {sourceId && model ? (
        <div>
          <h3 className="mb-2 text-sm font-medium text-slate-800">Preview</h3>
          <QueryState isPending={preview.isPending} error={preview.error}>
            {preview.data ? <PreviewTable result={preview.data} label="Model preview" /> : null}
          </QueryState>
        </div>
      ) : null}
    </FormSection>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { FormProvider, useFieldArray, useForm, useWatch } from "react-hook-form";
import { readServerFieldErrors } from "~/components/connections/server-field-errors";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Field, Input } from "~/components/ui/field";
import { Spinner } from "~/components/ui/spinner";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { ChangeTrackingSection } from "./change-tracking-section";
import { DestinationSection } from "./destination-section";
import { DryRunPanel, type DryRunTarget } from "./dry-run-panel";
import { FormSection } from "./form-section";
import { MappingsEditor } from "./mappings-editor";
import { ModelSection } from "./model-section";
import { ScheduleEditor, useSchedulePreview } from "./schedule-editor";
import { controlIdFor, describeControl, normalizeErrorPaths, SyncFieldErrorsProvider, type SyncFieldErrors } from "./sync-form-errors";
import { buildDefinition, buildModel, createEmptyMapping, diffDefinition, type DefinitionContext, type ModelDefinition, type SyncFormValues } from "./sync-form-values";
import { EventSection, SyncKeySection } from "./sync-key-section";
import { SyncSummary } from "./sync-summary";
import type { ConnectionListItem, ConnectorTypeView, DestinationObjectView } from "./sync-types";

const TOP_LEVEL_LABELS: Record<string, string> = {
  name: "Name",
  sourceId: "Source",
  model: "Model",
  destinationId: "Destination",
  object: "Object",
  behavior: "Sync behavior",
  "syncKey.column": "Sync key",
  "syncKey.identifier": "Sync key identifier",
  mappings: "Field mappings",
  event: "Event settings",
  "event.name": "Event name",
  "event.name.constant": "Event name",
  "event.name.column": "Event name column",
  "event.identityColumn": "User identity column",
  "event.identifier": "User identifier",
  "event.idColumn": "Event id column",
  "event.timestampColumn": "Timestamp column",
  initialSync: "Initial sync",
  changeTracking: "Change tracking",
  "changeTracking.column": "Change-tracking column",
  "changeTracking.lookbackMinutes": "Look-back",
  "changeTracking.fullCompareHours": "Full compare interval",
  schedule: "Schedule",
  syncAllColumns: "Sync All Columns",
  enabled: "Enabled",
};

/** "Mapping 3 (type)" for `mappings.2.type`; the section's own name for everything else. */
function labelForPath(path: string): string {
  const mapping = /^mappings\.(\d+)\.(.+)$/.exec(path);
  if (mapping) return `Mapping ${Number(mapping[1]) + 1} (${mapping[2]!.replace("from.", "")})`;
  return TOP_LEVEL_LABELS[path] ?? path;
}

/** What must be filled in before the server is asked; the server checks the rest (columns, types, limits). */
function findMissingFields(values: SyncFormValues, object: DestinationObjectView | undefined): SyncFieldErrors {
  const errors: SyncFieldErrors = {};
  if (!values.sourceId) errors.sourceId = "Choose a source connection.";
  else if (!buildModel(values)) errors.model = values.modelType === "sql" ? "Write a SQL query, then preview it." : "Choose the schema and table to sync.";
  if (!values.destinationId) errors.destinationId = "Choose a destination connection.";
  else if (!object) errors.object = "Choose the destination object (e.g. Profile or Event).";
  if (object && !values.behavior) errors.behavior = "Choose a sync behavior.";
  if (object && !values.syncKeyColumn) errors["syncKey.column"] = "Choose the column that identifies each row.";
  if (object?.type === "event") {
    if (values.eventNameKind === "constant" && !values.eventNameConstant.trim()) errors["event.name.constant"] = "Enter the event name, e.g. Charged.";
    if (values.eventNameKind === "column" && !values.eventNameColumn) errors["event.name.column"] = "Choose the column that holds the event name.";
    if (!values.identityColumn) errors["event.identityColumn"] = "Choose the column that holds the user identity.";
  }
  values.mappings.forEach((m, i) => {
    const blank = !m.to.trim() && (m.sourceKind === "column" ? !m.column : !m.constant);
    if (blank) return;
    if (m.sourceKind === "column" && !m.column) errors[`mappings.${i}.from.column`] = "Choose a source column, or remove this mapping.";
    if (!m.to.trim()) errors[`mappings.${i}.to`] = "Choose a standard field or type a custom field name.";
  });
  if (object && object.type !== "event" && values.mappingMode === "specific" && !values.mappings.some((m) => m.to.trim())) {
    errors.mappings = "Map at least one field, or choose Sync All Columns.";
  }
  return errors;
}

function modelLabel(model: ModelDefinition | null): string {
  if (!model) return "";
  return model.type === "table" ? model.table : "query";
}

export type SyncFormProps = {
  sources: ConnectionListItem[];
  destinations: ConnectionListItem[];
  connectorTypes: ConnectorTypeView[];
  defaultValues: SyncFormValues;
  /** Edit mode: the saved sync's id and its definition as the form first shows it. */
  editing?: { syncId: string };
};

/**
 * The create/edit sync form, one page with numbered steps as in the seed guides: source and model →
 * destination and object → behavior → sync key → (event settings) → field mappings → trigger → confirm.
 */
export function SyncForm({ sources, destinations, connectorTypes, defaultValues, editing }: SyncFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const form = useForm<SyncFormValues>({ defaultValues });
  const { control, getValues, setValue, handleSubmit, register, formState } = form;
  const mappings = useFieldArray({ control, name: "mappings" });
  const [sourceId, modelType, tableRef, destinationId, objectId, schedule] = useWatch({
    control,
    name: ["sourceId", "modelType", "tableRef", "destinationId", "object", "schedule"],
  });
  const [appliedSql, setAppliedSql] = useState(defaultValues.sql.trim());
  const [errors, setErrors] = useState<{ summary: string | null; fields: SyncFieldErrors }>({ summary: null, fields: {} });
  const [matchError, setMatchError] = useState<string | null>(null);
  const [isMatching, setIsMatching] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const model = modelType === "sql" ? (appliedSql ? { type: "sql" as const, sql: appliedSql } : null) : buildModel({ modelType, tableRef, sql: "" });
  const modelKey = JSON.stringify(model);
  const destination = destinations.find((d) => d.id === destinationId);
  const destinationType = connectorTypes.find((t) => t.id === destination?.type);
  const objects = destinationType?.objects ?? [];
  const object = objects.find((o) => o.id === objectId);
  const context: DefinitionContext = { isEvent: object?.type === "event", supportsEventId: object?.supportsEventId ?? false };

  const columns = useQuery({
    ...trpc.connection.columns.queryOptions({ workspaceId: workspace.id, connectionId: sourceId, model: model ?? { type: "sql", sql: "" } }),
    enabled: !!sourceId && !!model,
    retry: false,
  });
  const schedulePreview = useSchedulePreview(schedule);

  // A new source or model makes the old table choice and key meaningless; clear what no longer exists.
  useEffect(() => {
    const names = new Set((columns.data ?? []).map((c) => c.name));
    if (!columns.data) return;
    if (getValues("syncKeyColumn") && !names.has(getValues("syncKeyColumn"))) setValue("syncKeyColumn", "");
  }, [columns.data, getValues, setValue]);

  // The object decides the behaviors and identifiers on offer: keep the choice when it is still valid.
  useEffect(() => {
    if (!object) return;
    if (!object.behaviors.some((b) => b.id === getValues("behavior"))) setValue("behavior", object.behaviors[0]?.id ?? "");
    for (const field of ["syncKeyIdentifier", "eventIdentifier"] as const) {
      if (!object.identifiers.some((i) => i.id === getValues(field))) setValue(field, object.identifiers[0]?.id ?? "");
    }
  }, [object, getValues, setValue]);

  const autoMatch = async () => {
    const current = buildModel({ modelType, tableRef, sql: appliedSql });
    if (!sourceId || !destinationId || !current || !objectId) return;
    setIsMatching(true);
    setMatchError(null);
    try {
      const key = getValues("syncKeyColumn");
      const suggestion = await queryClient.fetchQuery(
        trpc.sync.suggestMappings.queryOptions({ workspaceId: workspace.id, sourceId, destinationId, model: current, object: objectId, exclude: key ? [key] : undefined }),
      );
      const matched = suggestion.mappings.flatMap((m) => ("column" in m.from ? [{ ...createEmptyMapping(), column: m.from.column, to: m.to, type: m.type, matched: true }] : []));
      const targets = new Set(matched.map((m) => m.to));
      // Rows the user wrote stay; rows matched for another object or model are replaced.
      const kept = getValues("mappings").filter((m) => !m.matched && (m.to.trim() || m.column || m.constant) && !targets.has(m.to.trim()));
      mappings.replace([...matched, ...kept]);
    } catch (error) {
      setMatchError(error instanceof Error ? error.message : String(error));
    } finally {
      setIsMatching(false);
    }
  };

  // Choosing (or changing) the object fills in the auto-matched standard fields, as Census does; an edit keeps what was saved.
  const matchKey = `${sourceId}|${destinationId}|${modelKey}|${objectId}`;
  const lastMatchKey = useRef(editing ? matchKey : "");
  useEffect(() => {
    if (!objectId || !model || lastMatchKey.current === matchKey) return;
    lastMatchKey.current = matchKey;
    void autoMatch();
    // autoMatch reads the latest values itself; the key says when to run it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [matchKey]);

  const initialDefinition = useMemo(() => {
    const type = connectorTypes.find((t) => t.id === destinations.find((d) => d.id === defaultValues.destinationId)?.type);
    const initialObject = type?.objects.find((o) => o.id === defaultValues.object);
    return buildDefinition(defaultValues, { isEvent: initialObject?.type === "event", supportsEventId: initialObject?.supportsEventId ?? false });
  }, [connectorTypes, destinations, defaultValues]);

  const create = useMutation(trpc.sync.create.mutationOptions());
  const update = useMutation(trpc.sync.update.mutationOptions());

  const suggestedName = object && destination ? `${modelLabel(model) || "model"} → ${destination.name} ${object.label}` : "";
  const liveValues = useWatch({ control }) as SyncFormValues;
  const liveDefinition = buildDefinition({ ...defaultValues, ...liveValues, sql: appliedSql || liveValues.sql || "" }, context);

  const showErrors = (summary: string, fields: SyncFieldErrors) => {
    setErrors({ summary, fields });
    requestAnimationFrame(() => summaryRef.current?.focus());
  };

  const submit = async (values: SyncFormValues) => {
    const sql = values.sql.trim();
    if (values.modelType === "sql" && sql !== appliedSql) setAppliedSql(sql);
    const missing = findMissingFields(values, object);
    if (Object.keys(missing).length) {
      showErrors("Some steps are not complete yet.", missing);
      return;
    }
    setErrors({ summary: null, fields: {} });
    const definition = buildDefinition({ ...values, name: values.name.trim() || suggestedName }, context);
    try {
      if (editing) {
        const changes = diffDefinition(initialDefinition, definition);
        if (Object.keys(changes).length) await update.mutateAsync({ workspaceId: workspace.id, syncId: editing.syncId, changes });
        await queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() });
        router.push(`/w/${workspace.slug}/syncs/${editing.syncId}${Object.keys(changes).length ? "?saved=1" : ""}`);
      } else {
        const created = await create.mutateAsync({ workspaceId: workspace.id, definition });
        await queryClient.invalidateQueries({ queryKey: trpc.sync.pathKey() });
        router.push(`/w/${workspace.slug}/syncs/${created.id}?created=1`);
      }
    } catch (error) {
      const fields = normalizeErrorPaths(readServerFieldErrors(error));
      const message = error instanceof Error ? error.message : String(error);
      showErrors(Object.keys(fields).length ? "The sync could not be saved. Fix the fields below." : message, fields);
    }
  };

  // The dry run checks the same fields as Create Sync first, then sends the definition the form holds.
  const dryRunTarget = (): DryRunTarget | null => {
    const values = getValues();
    const sql = values.sql.trim();
    if (values.modelType === "sql" && sql !== appliedSql) setAppliedSql(sql);
    const missing = findMissingFields(values, object);
    if (Object.keys(missing).length) {
      showErrors("Complete these steps before a dry run.", missing);
      return null;
    }
    setErrors({ summary: null, fields: {} });
    const definition = buildDefinition({ ...values, sql, name: values.name.trim() || suggestedName }, context);
    return editing ? { syncId: editing.syncId, definition } : { definition };
  };
  const canDryRun = workspace.can("models.query");

  let counter = 0;
  const steps = {
    source: ++counter,
    destination: ++counter,
    // The behavior section is DestinationSection's second step.
    behavior: object ? ++counter : 0,
    key: object ? ++counter : 0,
    event: object?.type === "event" ? ++counter : 0,
    mappings: object ? ++counter : 0,
    changeTracking: object ? ++counter : 0,
    schedule: ++counter,
    confirm: ++counter,
  };
  const errorEntries = Object.entries(errors.fields);

  return (
    <FormProvider {...form}>
      <SyncFieldErrorsProvider errors={errors.fields}>
        <form onSubmit={(event) => void handleSubmit(submit)(event)} noValidate className="space-y-5" aria-label={editing ? "Edit sync" : "Create a new sync"}>
          {errors.summary ? (
            <div ref={summaryRef} tabIndex={-1} className="focus:outline-none" data-testid="sync-form-errors">
              <Alert title={errors.summary}>
                {errorEntries.length ? (
                  <ul className="list-disc space-y-0.5 pl-5">
                    {errorEntries.map(([path, message]) => (
                      <li key={path}>
                        <a href={`#${controlIdFor(path)}`} className="font-medium underline">
                          {labelForPath(path)}
                        </a>
                        : {message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </Alert>
            </div>
          ) : null}
          <ModelSection step={steps.source} sources={sources} model={model} onApplySql={() => setAppliedSql(getValues("sql").trim())} />
          <DestinationSection step={steps.destination} destinations={destinations} objects={objects} object={object} />
          {object && model && columns.isPending ? (
            <p className="flex items-center gap-2 rounded-md border border-slate-200 bg-white px-4 py-4 text-sm text-slate-500" aria-busy="true">
              <Spinner className="h-4 w-4" /> Reading the model&apos;s columns…
            </p>
          ) : object ? (
            <>
              {columns.error ? <Alert title="Could not read the model's columns">{columns.error.message}</Alert> : null}
              <SyncKeySection step={steps.key} columns={columns.data ?? []} object={object} />
              {object.type === "event" ? <EventSection step={steps.event} columns={columns.data ?? []} object={object} /> : null}
              <MappingsEditor step={steps.mappings} columns={columns.data ?? []} object={object} destinationLabel={destinationType?.label ?? "Destination"} mappings={mappings} onAutoMatch={() => void autoMatch()} isMatching={isMatching} />
              {matchError ? <Alert title="Standard fields could not be matched">{matchError}</Alert> : null}
              <ChangeTrackingSection step={steps.changeTracking} columns={columns.data ?? []} object={object} />
            </>
          ) : (
            <p className="rounded-md border border-dashed border-slate-300 bg-white px-4 py-4 text-sm text-slate-500">Choose a destination and its object to set the sync behavior, the sync key and the field mappings.</p>
          )}
          <ScheduleEditor step={steps.schedule} schedulePreview={schedulePreview} />
          <FormSection step={steps.confirm} id="sync-confirm" title="Confirm Sync Details" description={editing ? "Check the changes, then save." : "Check the details, then create the sync. You can run it right after."}>
            <Field id={controlIdFor("name")} label="Sync name" error={errors.fields.name} help={suggestedName ? `Leave empty to use “${suggestedName}”.` : "A name to find this sync by."}>
              <Input {...describeControl("name", errors.fields.name)} placeholder={suggestedName || "e.g. Users → CleverTap profiles"} autoComplete="off" {...register("name")} />
            </Field>
            <SyncSummary
              definition={liveDefinition}
              names={{
                source: sources.find((s) => s.id === sourceId)?.name,
                destination: destination?.name,
                object,
                scheduleDescription: schedulePreview.query.data?.description,
              }}
            />
            {canDryRun ? (
              <div className="border-t border-slate-100 pt-4">
                <h3 className="mb-2 text-sm font-semibold text-slate-900">Dry run</h3>
                <DryRunPanel
                  getTarget={dryRunTarget}
                  description={
                    editing
                      ? "See what the next run would send with these changes, compared with what this sync already sent. Nothing is sent or saved."
                      : "See the exact payloads the first run would send for up to 50 rows, and which rows would be invalid. Nothing is sent or saved."
                  }
                />
              </div>
            ) : null}
            <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-4">
              <Button variant="secondary" onClick={() => router.push(editing ? `/w/${workspace.slug}/syncs/${editing.syncId}` : `/w/${workspace.slug}/syncs`)}>
                Cancel
              </Button>
              <Button type="submit" isLoading={formState.isSubmitting} disabled={isMatching}>
                {editing ? "Save changes" : "Create Sync"}
              </Button>
            </div>
          </FormSection>
        </form>
      </SyncFieldErrorsProvider>
    </FormProvider>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { Field, Input } from "~/components/ui/field";
import { useWorkspace } from "~/components/workspace/workspace-context";
import { ConfigFields } from "./config-fields";
import { buildConfigPayload, buildInitialConfigValues, findMovedEndpoints, findStoredSecrets, reentryActions, type ConnectionFormValues, type SecretAction } from "./config-form-values";
import { ConnectionTestResult } from "./connection-test-result";
import type { ConnectionDetail, ConnectorType } from "./connection-types";
import { WorkspaceFilesPanel } from "./workspace-files-panel";
import { readServerFieldErrors } from "./server-field-errors";

type TestResult = { ok: boolean; message: string; warning?: string };

/** Splits server field errors into the ones a control shows and the rest, which the form shows on top. */
function splitErrors(fieldErrors: Record<string, string>, connectorType: ConnectorType) {
  const known = new Set(["name", ...connectorType.fields.map((f) => f.name)]);
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const [key, message] of Object.entries(fieldErrors)) {
    if (known.has(key)) byField[key] = message;
    else other.push(message);
  }
  return { byField, other };
}

/**
 * The connection form rendered from the connector's fields, with "Test" and "Finish" (new) or
 * "Save changes" (existing). For an existing connection, stored secrets stay on the server unless
 * the user replaces or removes them.
 */
export function ConnectionSettingsForm({ connectorType, connection, defaultName }: { connectorType: ConnectorType; connection?: ConnectionDetail; defaultName?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const workspace = useWorkspace();
  const isNew = !connection;
  const idPrefix = isNew ? "new-connection" : "connection";
  const [storedSecrets, setStoredSecrets] = useState(() => findStoredSecrets(connectorType.fields, connection?.config));
  const [secretActions, setSecretActions] = useState<Record<string, SecretAction>>({});
  const [testResult, setTestResult] = useState<TestResult | null>(null);
  const [serverError, setServerError] = useState<{ message: string; fieldErrors: Record<string, string> } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [baseline, setBaseline] = useState(() => buildInitialConfigValues(connectorType.fields, connection?.config));
  const form = useForm<ConnectionFormValues>({ defaultValues: { name: connection?.name ?? defaultName ?? connectorType.label, config: baseline } });
  const { register, handleSubmit, formState, getValues, reset } = form;
  const currentConfig = useWatch({ control: form.control, name: "config" });
  const movedEndpoints = isNew ? [] : findMovedEndpoints(connectorType.fields, currentConfig, baseline, storedSecrets, secretActions);
  // A moved endpoint means the stored secrets stay behind: their fields become plain inputs to fill again.
  const reentry = movedEndpoints.length > 0 ? { names: new Set([...storedSecrets].filter((n) => !movedEndpoints.some((f) => f.name === n))), endpoints: movedEndpoints.map((f) => f.label) } : undefined;

  const test = useMutation(trpc.connection.test.mutationOptions());
  const create = useMutation(trpc.connection.create.mutationOptions());
  const update = useMutation(trpc.connection.update.mutationOptions());

  const actionsForPayload = () => {
    if (isNew) return undefined;
    const values = getValues("config");
    if (findMovedEndpoints(connectorType.fields, values, baseline, storedSecrets, secretActions).length > 0) {
      return reentryActions(connectorType.fields, values, storedSecrets, secretActions);
    }
    return Object.fromEntries([...storedSecrets].map((name) => [name, secretActions[name] ?? "keep"]));
  };
  const payload = () => buildConfigPayload(connectorType.fields, getValues("config"), actionsForPayload());
  const showError = (error: { message: string }) => setServerError({ message: error.message, fieldErrors: readServerFieldErrors(error) });
  const clearFeedback = () => {
    setTestResult(null);
    setServerError(null);
    setSaved(null);
  };

  const runTest = async () => {
    clearFeedback();
    const input = isNew ? { workspaceId: workspace.id, type: connectorType.id, config: payload() } : { workspaceId: workspace.id, connectionId: connection.id, config: payload() };
    await test.mutateAsync(input).then(setTestResult, showError);
  };

  const save = async (values: ConnectionFormValues) => {
    const passedTest = testResult?.ok === true;
    setServerError(null);
    setSaved(null);
    if (isNew) {
      const created = await create.mutateAsync({ workspaceId: workspace.id, name: values.name, type: connectorType.id, config: payload() }).catch((e: { message: string }) => {
        showError(e);
        return null;
      });
      if (!created) return;
      // Settings that just passed "Test" are tested again as stored, so the new connection's status says so.
      if (passedTest) await test.mutateAsync({ workspaceId: workspace.id, connectionId: created.id }).catch(() => null);
      await queryClient.invalidateQueries({ queryKey: trpc.connection.list.queryKey() });
      router.push(`/w/${workspace.slug}/connections/${created.id}`);
      return;
    }
    const configChanged =
      movedEndpoints.length > 0 ||
      connectorType.fields.some((f) => (storedSecrets.has(f.name) ? (secretActions[f.name] ?? "keep") !== "keep" : values.config[f.name] !== baseline[f.name]));
    const nameChanged = values.name.trim() !== connection.name;
    if (!configChanged && !nameChanged) {
      setSaved("Nothing to save: no setting changed.");
      return;
    }
    const updated = await update
      .mutateAsync({ workspaceId: workspace.id, connectionId: connection.id, name: nameChanged ? values.name : undefined, config: configChanged ? payload() : undefined })
      .catch((e: { message: string }) => {
        showError(e);
        return null;
      });
    if (!updated) return;
    const nextBaseline = buildInitialConfigValues(connectorType.fields, updated.config);
    reset({ name: updated.name, config: nextBaseline });
    setBaseline(nextBaseline);
    setStoredSecrets(findStoredSecrets(connectorType.fields, updated.config));
    setSecretActions({});
    setSaved(configChanged ? "Saved. The settings changed, so the status shows “Not tested” until you test again." : "Saved.");
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.connection.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.connection.list.queryKey() }),
    ]);
  };
  // Settings that just failed their Test are saved only when the person says so, knowing syncs will fail.
  const [failedTestSave, setFailedTestSave] = useState<ConnectionFormValues | null>(null);
  const onSubmit = handleSubmit(async (values) => {
    if (testResult && !testResult.ok) {
      setFailedTestSave(values);
      return;
    }
    await save(values);
  });

  /** DuckDB reads a .duckdb file in database mode and any other file in files mode. */
  const applyWorkspaceFile = (file: { path: string }) => {
    clearFeedback();
    const isDatabase = file.path.toLowerCase().endsWith(".duckdb");
    form.setValue("config.mode", isDatabase ? "database" : "files", { shouldDirty: true });
    form.setValue(isDatabase ? "config.path" : "config.files", file.path, { shouldDirty: true });
  };

  const { byField, other } = splitErrors(serverError?.fieldErrors ?? {}, connectorType);
  const hasFieldErrors = Object.keys(byField).length > 0;
  const nameError = byField.name ?? formState.errors.name?.message;

  return (
    <form onSubmit={onSubmit} onChange={clearFeedback} noValidate className="space-y-5" aria-label={isNew ? `New ${connectorType.label} connection` : `Settings of ${connection.name}`}>
      <Field id={`${idPrefix}-name`} label="Name" help={isNew ? "How this connection appears when you set up syncs. Include the account or workspace name if you will add several." : undefined} error={nameError}>
        <Input
          id={`${idPrefix}-name`}
          autoComplete="off"
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${idPrefix}-name-error` : isNew ? `${idPrefix}-name-help` : undefined}
          {...register("name", { validate: (v) => v.trim().length > 0 || "Give the connection a name." })}
        />
      </Field>
      <ConfigFields
        fields={connectorType.fields}
        register={register}
        errors={byField}
        idPrefix={idPrefix}
        secrets={
          isNew
            ? undefined
            : {
                stored: reentry ? new Set([...storedSecrets].filter((n) => !reentry.names.has(n))) : storedSecrets,
                reentry,
                actions: secretActions,
                onChange: (name, action) => {
                  clearFeedback();
                  setSecretActions((prev) => ({ ...prev, [name]: action }));
                  if (action !== "replace") form.setValue(`config.${name}`, "");
                },
              }
        }
      />
      {connectorType.id === "duckdb" && workspace.can("files.upload") ? <WorkspaceFilesPanel workspaceId={workspace.id} onUse={applyWorkspaceFile} /> : null}
      {serverError ? (
        <Alert title={hasFieldErrors ? "Some settings are not valid" : undefined}>{hasFieldErrors ? [...other, "Fix the fields marked in red above."].join(" ") : serverError.message}</Alert>
      ) : null}
      {testResult ? <ConnectionTestResult result={testResult} /> : null}
      {saved ? <Alert tone="success">{saved}</Alert> : null}
      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-100 pt-4">
        <Button variant="secondary" onClick={() => void runTest()} isLoading={test.isPending && !formState.isSubmitting}>
          {isNew ? "Test" : "Test these settings"}
        </Button>
        <Button type="submit" isLoading={formState.isSubmitting || create.isPending || update.isPending}>
          {isNew ? "Finish" : "Save changes"}
        </Button>
      </div>
      <ConfirmDialog
        open={failedTestSave !== null}
        title="The test failed. Save anyway?"
        confirmLabel="Save anyway"
        tone="danger"
        onCancel={() => setFailedTestSave(null)}
        onConfirm={() => {
          const values = failedTestSave;
          setFailedTestSave(null);
          if (values) void save(values);
        }}
      >
        {isNew ? "The connection is created" : "The settings are saved"} as entered, and syncs that use it will fail until the problem the test reported is fixed.
      </ConfirmDialog>
    </form>
  );
}

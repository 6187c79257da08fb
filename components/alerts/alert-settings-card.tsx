"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Mail, MessageSquare, Trash2, Webhook } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { OneTimeSecret } from "~/components/ui/copy-button";
import { Field, Input, Select } from "~/components/ui/field";
import { QueryState } from "~/components/ui/query-state";
import { useWorkspace } from "~/components/workspace/workspace-context";
import type { AlertRules, ChannelKind } from "./alert-types";

const KINDS: { value: ChannelKind; label: string; placeholder: string; help: string }[] = [
  { value: "EMAIL", label: "E-mail", placeholder: "ops@example.com", help: "One address per channel, sent over the server's SMTP settings." },
  { value: "SLACK", label: "Slack webhook", placeholder: "https://hooks.slack.com/services/…", help: "A Slack (or compatible) incoming-webhook URL; it receives { text, blocks }." },
  { value: "WEBHOOK", label: "Signed webhook", placeholder: "https://example.com/hooks/tidewater", help: "Receives JSON signed with HMAC-SHA256; the signing secret is shown once." },
];

const KIND_ICONS: Record<ChannelKind, typeof Mail> = { EMAIL: Mail, SLACK: MessageSquare, WEBHOOK: Webhook };

export function channelKindLabel(kind: ChannelKind): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** The alert rules and channels of one sync (syncId) or of the workspace default (syncId null). */
export function AlertSettingsCard({ syncId }: { syncId: string | null }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const settings = useQuery(trpc.alert.settings.queryOptions({ workspaceId: workspace.id, syncId }));
  const isSync = syncId !== null;
  return (
    <Card className={isSync ? "mt-6" : undefined}>
      <CardHeader
        title={isSync ? "Alerts" : "Default alerts"}
        description={
          isSync
            ? "Sent when this sync starts failing, recovers, or crosses its bad-row threshold: once per change, not on every run."
            : "Syncs use these alerts unless they override them on their own page. Sent once per change of state, not on every run."
        }
      />
      <CardBody>
        <QueryState isPending={settings.isPending} error={settings.error}>
          {settings.data ? <AlertSettingsBody syncId={syncId} settings={settings.data} /> : null}
        </QueryState>
      </CardBody>
    </Card>
  );
}

type Settings = { inherits: boolean; rules: AlertRules; channels: { id: string; kind: ChannelKind; label: string }[] };

function AlertSettingsBody({ syncId, settings }: { syncId: string | null; settings: Settings }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const canWrite = workspace.can("alerts.write");
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alert.settings.pathKey() });
  const update = useMutation(
    trpc.alert.updateRules.mutationOptions({
      onSuccess: async () => {
        setError(null);
        await refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const editable = canWrite && !settings.inherits;
  return (
    <div className="space-y-5">
      {syncId !== null ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Settings</legend>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:gap-6">
            {[
              { value: true, label: "Use the workspace default" },
              { value: false, label: "Override for this sync" },
            ].map((option) => (
              <label key={option.label} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="radio"
                  name={`alerts-inherit-${syncId}`}
                  checked={settings.inherits === option.value}
                  disabled={!canWrite || update.isPending}
                  onChange={() => update.mutate({ workspaceId: workspace.id, syncId, inherit: option.value || undefined, rules: option.value ? undefined : {} })}
                  className="h-4 w-4 accent-brand-600"
                />
                {option.label}
              </label>
            ))}
          </div>
          {settings.inherits ? (
            <p className="mt-2 text-xs text-slate-500">
              The workspace default applies{workspace.can("workspace.read") ? <> (edit it in <Link href={`/w/${workspace.slug}/settings`} className="text-brand-700 hover:underline">Settings</Link>)</> : null}. Overriding starts from a copy of it.
            </p>
          ) : null}
        </fieldset>
      ) : null}
      <RulesForm key={JSON.stringify(settings.rules) + String(settings.inherits)} rules={settings.rules} disabled={!editable} isSaving={update.isPending} onSave={(rules) => update.mutate({ workspaceId: workspace.id, syncId, rules })} />
      {error ? <Alert>{error}</Alert> : null}
      <Channels syncId={syncId} channels={settings.channels} editable={editable} />
    </div>
  );
}

function RulesForm({ rules, disabled, isSaving, onSave }: { rules: AlertRules; disabled: boolean; isSaving: boolean; onSave: (rules: AlertRules) => void }) {
  const [draft, setDraft] = useState(rules);
  const [percent, setPercent] = useState(rules.problemRowsPercent === null ? "10" : String(rules.problemRowsPercent));
  const [thresholdOn, setThresholdOn] = useState(rules.problemRowsPercent !== null);
  const percentValue = Number(percent);
  const percentError = thresholdOn && (!Number.isInteger(percentValue) || percentValue < 1 || percentValue > 100) ? "Use a whole percentage from 1 to 100." : null;
  const next: AlertRules = { ...draft, problemRowsPercent: thresholdOn ? percentValue : null };
  const changed = JSON.stringify(next) !== JSON.stringify(rules);
  const checkbox = (key: "onFailure" | "onRecovery" | "onWarning", label: string, help: string) => (
    <label className="flex items-start gap-2 text-sm text-slate-700">
      <input type="checkbox" checked={draft[key]} disabled={disabled} onChange={(e) => setDraft({ ...draft, [key]: e.target.checked })} className="mt-0.5 h-4 w-4 accent-brand-600" />
      <span>
        {label}
        <span className="block text-xs text-slate-500">{help}</span>
      </span>
    </label>
  );
  return (
    <form
      className="space-y-3"
      aria-label="Alert rules"
      onSubmit={(e) => {
        e.preventDefault();
        if (!percentError) onSave(next);
      }}
    >
      <p className="text-sm font-medium text-slate-800">Send an alert</p>
      {checkbox("onFailure", "When the sync fails", "The first failed run after a successful one (or the first run of a new sync).")}
      {checkbox("onRecovery", "When it recovers", "The first successful run after a failed one.")}
      {checkbox("onWarning", "When a run warns", "A run that succeeded with a warning, such as far fewer rows than the last one.")}
      <div className="flex flex-wrap items-start gap-2 text-sm text-slate-700">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={thresholdOn} disabled={disabled} onChange={(e) => setThresholdOn(e.target.checked)} className="h-4 w-4 accent-brand-600" />
          When invalid plus rejected rows exceed
        </label>
        <div className="flex items-center gap-1.5 whitespace-nowrap">
          <div className="w-20">
            <Input
              id="alert-threshold"
              type="number"
              min={1}
              max={100}
              inputMode="numeric"
              aria-label="Threshold, percent of rows read"
              aria-invalid={percentError ? true : undefined}
              aria-describedby={percentError ? "alert-threshold-error" : undefined}
              disabled={disabled || !thresholdOn}
              value={percent}
              onChange={(e) => setPercent(e.target.value)}
            />
          </div>
          <span>% of rows read</span>
        </div>
      </div>
      {percentError ? (
        <p id="alert-threshold-error" role="alert" className="text-xs font-medium text-red-600">
          {percentError}
        </p>
      ) : null}
      {!disabled ? (
        <Button type="submit" size="sm" variant="secondary" disabled={!changed || !!percentError} isLoading={isSaving}>
          Save alert rules
        </Button>
      ) : null}
    </form>
  );
}

function Channels({ syncId, channels, editable }: { syncId: string | null; channels: Settings["channels"]; editable: boolean }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ChannelKind>("EMAIL");
  const [target, setTarget] = useState("");
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alert.settings.pathKey() });
  const add = useMutation(
    trpc.alert.addChannel.mutationOptions({
      onSuccess: async (result) => {
        setTarget("");
        setSecret(result.signingSecret ? { label: result.channel.label, value: result.signingSecret } : null);
        await refresh();
      },
    }),
  );
  const remove = useMutation(trpc.alert.removeChannel.mutationOptions({ onSuccess: refresh }));
  const chosen = KINDS.find((k) => k.value === kind)!;
  const fieldError = add.error?.data?.fieldErrors?.target ?? add.error?.data?.fieldErrors?.url ?? null;
  const idPrefix = `alert-${syncId ?? "default"}`;
  return (
    <div className="space-y-3">
      <p className="text-sm font-medium text-slate-800">Channels</p>
      {channels.length ? (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Alert channels">
          {channels.map((c) => {
            const Icon = KIND_ICONS[c.kind];
            return (
              <li key={c.id} className="flex items-center justify-between gap-2 px-3 py-2 text-sm">
                <span className="flex min-w-0 items-center gap-2">
                  <Icon className="h-4 w-4 shrink-0 text-slate-400" aria-hidden />
                  <Badge>{channelKindLabel(c.kind)}</Badge>
                  <span className="min-w-0 truncate text-slate-800" title={c.label}>
                    {c.label}
                  </span>
                </span>
                {editable ? (
                  <Button variant="ghost" size="sm" aria-label={`Remove ${channelKindLabel(c.kind)} ${c.label}`} isLoading={remove.isPending && remove.variables?.channelId === c.id} onClick={() => remove.mutate({ workspaceId: workspace.id, channelId: c.id })}>
                    <Trash2 className="h-3.5 w-3.5" aria-hidden />
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="text-sm text-slate-500">{editable ? "No channels yet: add an e-mail address or a webhook below, or no alert goes anywhere." : "No channels: alerts go nowhere."}</p>
      )}
      {remove.error ? <Alert>{remove.error.message}</Alert> : null}
      {secret ? (
        <Alert tone="success" title={`Copy the signing secret of ${secret.label} now: it will not be shown again`}>
          <OneTimeSecret value={secret.value} testId="alert-signing-secret" />
          <p className="mt-1 text-xs">Verify each request: HMAC-SHA256 of “X-Tidewater-Timestamp.body” with this secret must equal the hex after v1= in X-Tidewater-Signature.</p>
        </Alert>
      ) : null}
      {editable ? (
        <form
          className="flex flex-wrap items-start gap-3"
          aria-label="Add an alert channel"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({ workspaceId: workspace.id, syncId, kind, target });
          }}
        >
          <Field id={`${idPrefix}-kind`} label="Channel">
            <Select id={`${idPrefix}-kind`} value={kind} onChange={(e) => setKind(e.target.value as ChannelKind)}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field id={`${idPrefix}-target`} label={kind === "EMAIL" ? "E-mail address" : "Webhook URL"} help={chosen.help} error={fieldError ?? (add.error && !fieldError ? add.error.message : null)} className="min-w-0 flex-[1_1_16rem]">
            <Input
              id={`${idPrefix}-target`}
              type={kind === "EMAIL" ? "email" : "url"}
              required
              placeholder={chosen.placeholder}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              aria-invalid={add.error ? true : undefined}
              aria-describedby={`${idPrefix}-target-help${add.error ? ` ${idPrefix}-target-error` : ""}`}
            />
          </Field>
          <Button type="submit" className="sm:mt-6" isLoading={add.isPending}>
            Add channel
          </Button>
        </form>
      ) : null}
    </div>
  );
}

/**
 * The alert task of the run sequence (server/jobs/run-sync-run.ts), once a run is final: decides which
 * alerts the run raises against the sync's previous final run, delivers each to every channel of the
 * effective policy, and records every delivery. Deliveries are keyed by (run, channel, event), so a
 * retried task sends only what did not go out yet.
 */
import { env } from "~/env.js";
import { getDb } from "~/server/db/client";
import type { AlertEvent, RunStatus } from "~/server/db/generated/client";
import { getAppUrl } from "~/server/lib/app-url";
import { createId } from "~/server/lib/ids";
import { logger } from "~/server/lib/logger";
import { parseRunWarnings } from "~/server/sync/row-count-warnings";
import { SUCCEEDED_STATUSES } from "~/server/sync/run-status";
import { openChannel } from "./alert-channel-secrets";
import { resolveAlertPolicy } from "./alert-policy";
import { decideAlertEvents, type RunFacts } from "./alert-rules";
import { composeAlert } from "./compose-alert";
import { deliverAlert, type DeliveryResult, type MailSettings } from "./deliver-alert";

/** Statuses that say something about a sync's health; a cancelled run says nothing and is skipped. */
const ALERTABLE: readonly RunStatus[] = [...SUCCEEDED_STATUSES, "FAILED"];

const RUN_FACTS = { status: true, rowsRead: true, rowsInvalid: true, rowsRejected: true, warnings: true } as const;

/** The warnings a run recorded (zero rows, far fewer than the last successful run), for "warning" alerts. */
function readRunWarnings(run: { warnings: unknown }): string[] {
  return parseRunWarnings(run.warnings).map((w) => w.message);
}

export type SendRunAlertsResult = { events: AlertEvent[]; deliveries: { channelId: string; event: AlertEvent; outcome: DeliveryResult["outcome"] }[] };

export async function sendRunAlerts(p: { runId: string; mail?: MailSettings; appUrl?: string; sleep?: (ms: number) => Promise<void> }): Promise<SendRunAlertsResult> {
  const db = await getDb();
  const run = await db.syncRun.findUnique({
    where: { id: p.runId },
    select: {
      ...RUN_FACTS,
      id: true,
      workspaceId: true,
      syncId: true,
      queuedAt: true,
      finishedAt: true,
      error: true,
      sync: { select: { name: true } },
      workspace: { select: { name: true, slug: true } },
    },
  });
  if (!run || !ALERTABLE.includes(run.status)) return { events: [], deliveries: [] };
  const policy = await resolveAlertPolicy({ workspaceId: run.workspaceId, syncId: run.syncId });
  if (!policy || policy.channels.length === 0) return { events: [], deliveries: [] };

  const previous = await db.syncRun.findFirst({
    where: { workspaceId: run.workspaceId, syncId: run.syncId, id: { not: run.id }, status: { in: [...ALERTABLE] }, queuedAt: { lte: run.queuedAt } },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: { ...RUN_FACTS, id: true },
  });
  const facts = (r: typeof run | NonNullable<typeof previous>): RunFacts => ({ ...r, warnings: readRunWarnings(r) });
  const events = decideAlertEvents({ run: facts(run), previous: previous && facts(previous), rules: policy });
  if (events.length === 0) return { events, deliveries: [] };

  const appUrl = (p.appUrl ?? getAppUrl()).replace(/\/$/, "");
  const syncUrl = `${appUrl}/w/${run.workspace.slug}/syncs/${run.syncId}`;
  const mail = p.mail ?? { smtpUrl: env.SMTP_URL, from: env.ALERT_EMAIL_FROM };
  const done = await db.alertDelivery.findMany({ where: { workspaceId: run.workspaceId, runId: run.id, outcome: { not: "FAILED" } }, select: { channelId: true, event: true } });
  const deliveries: SendRunAlertsResult["deliveries"] = [];

  for (const event of events) {
    const alert = composeAlert({
      event,
      workspace: { id: run.workspaceId, name: run.workspace.name },
      sync: { id: run.syncId, name: run.sync.name, url: syncUrl },
      run: { ...facts(run), id: run.id, url: `${syncUrl}/runs/${run.id}`, error: run.error, finishedAt: run.finishedAt },
      problemRowsPercent: policy.problemRowsPercent,
    });
    for (const channel of policy.channels) {
      if (done.some((d) => d.channelId === channel.id && d.event === event)) continue;
      let result: DeliveryResult;
      try {
        result = await deliverAlert({ channel: openChannel(channel), alert, mail, sleep: p.sleep });
      } catch (error) {
        // openChannel: a secret sealed with a key this server no longer has. Recorded, not retried.
        result = { outcome: "FAILED", error: error instanceof Error ? error.message : String(error) };
      }
      if (result.outcome === "FAILED") logger.warn("An alert could not be delivered", { runId: run.id, channel: channel.label, event, error: result.error });
      const key = { runId: run.id, channelId: channel.id, event };
      await db.alertDelivery.upsert({
        where: { runId_channelId_event: key },
        create: { id: createId("ald"), workspaceId: run.workspaceId, syncId: run.syncId, ...key, channelKind: channel.kind, target: channel.label, outcome: result.outcome, error: result.error },
        update: { outcome: result.outcome, error: result.error, createdAt: new Date() },
      });
      deliveries.push({ channelId: channel.id, event, outcome: result.outcome });
    }
  }
  return { events, deliveries };
}

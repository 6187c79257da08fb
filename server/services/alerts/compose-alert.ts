/** What an alert says, once, for every channel: an e-mail subject and text, a Slack message, a webhook body. */
import type { AlertEvent, RunStatus } from "~/server/db/generated/client";
import { problemRowsPercentOf } from "./alert-rules";

export type AlertSubject = {
  event: AlertEvent;
  workspace: { id: string; name: string };
  sync: { id: string; name: string; url: string };
  run: {
    id: string;
    url: string;
    status: RunStatus;
    error: string | null;
    rowsRead: number;
    rowsInvalid: number;
    rowsRejected: number;
    finishedAt: Date | null;
    warnings: readonly string[];
  };
  problemRowsPercent: number | null;
};

export type ComposedAlert = { subject: string; text: string; slack: { text: string; blocks: unknown[] }; webhookBody: string };

const WEBHOOK_TYPES: Record<AlertEvent, string> = {
  FAILURE: "sync.failed",
  RECOVERY: "sync.recovered",
  THRESHOLD: "sync.problem_rows_exceeded",
  WARNING: "sync.warning",
};

function headline(a: AlertSubject): string {
  const name = `"${a.sync.name}"`;
  switch (a.event) {
    case "FAILURE":
      return `Sync ${name} failed`;
    case "RECOVERY":
      return `Sync ${name} recovered`;
    case "THRESHOLD":
      return `Sync ${name}: ${formatPercent(problemRowsPercentOf(a.run))} of rows were invalid or rejected (threshold ${a.problemRowsPercent}%)`;
    case "WARNING":
      return `Sync ${name} succeeded with a warning`;
  }
}

function formatPercent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

function details(a: AlertSubject): string[] {
  const lines: string[] = [];
  if (a.event === "FAILURE" && a.run.error) lines.push(`Error: ${a.run.error}`);
  if (a.event === "RECOVERY") lines.push("The latest run succeeded after a failed one.");
  if (a.event === "WARNING") lines.push(...a.run.warnings.map((w) => `Warning: ${w}`));
  lines.push(`Rows read ${a.run.rowsRead}, invalid ${a.run.rowsInvalid}, rejected ${a.run.rowsRejected}.`);
  return lines;
}

export function composeAlert(a: AlertSubject): ComposedAlert {
  const title = headline(a);
  const body = details(a);
  const text = [title, "", ...body, "", `Run: ${a.run.url}`, `Sync: ${a.sync.url}`, "", `Workspace: ${a.workspace.name}`].join("\n");
  const slackText = `${title}\n${body.join("\n")}\n<${a.run.url}|Open the run>`;
  const slack = {
    text: slackText,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${title}*\n${body.join("\n")}` } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the run" }, url: a.run.url }] },
    ],
  };
  const webhookBody = JSON.stringify({
    type: WEBHOOK_TYPES[a.event],
    workspace: a.workspace,
    sync: a.sync,
    run: {
      id: a.run.id,
      url: a.run.url,
      status: a.run.status,
      error: a.run.error,
      rowsRead: a.run.rowsRead,
      rowsInvalid: a.run.rowsInvalid,
      rowsRejected: a.run.rowsRejected,
      finishedAt: a.run.finishedAt?.toISOString() ?? null,
      warnings: a.run.warnings,
    },
    ...(a.event === "THRESHOLD" ? { problemRowsPercent: { threshold: a.problemRowsPercent, actual: problemRowsPercentOf(a.run) } } : {}),
  });
  return { subject: `[Tidewater] ${title}`, text, slack, webhookBody };
}

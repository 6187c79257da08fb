/**
 * The alert task of the run sequence, end to end: real runs of the engine (fake connectors), a real SMTP server in this process
 * (smtp-server) and a real HTTP receiver that checks the HMAC signature the way the README tells users to. The receiver is on
 * 127.0.0.1, so these tests allow private webhook addresses (ALERT_WEBHOOK_ALLOW_PRIVATE), except the ones about refusing them.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { getDb } from "~/server/db/client";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { AppError } from "~/server/lib/errors";
import { createFakeDestination, createFakeSource, type FakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture, type SyncFixture } from "~/server/sync/testing/sync-fixture";
import { addAlertChannel } from "~/server/services/alerts/add-alert-channel";
import { getAlertSettings } from "~/server/services/alerts/get-alert-settings";
import { listAlertDeliveries } from "~/server/services/alerts/list-alert-deliveries";
import { sendRunAlerts } from "~/server/services/alerts/send-run-alerts";
import { updateAlertRules } from "~/server/services/alerts/update-alert-rules";

type Mail = { to: string; from: string; subject: string; text: string };
type Hook = { path: string; headers: IncomingHttpHeaders; body: string };

const actor = { label: "test" };
let smtp: SMTPServer;
let smtpPort: number;
let receiver: Server;
let receiverUrl: string;
const mails: Mail[] = [];
const hooks: Hook[] = [];

/** The README recipe: HMAC-SHA256 over "<timestamp>.<raw body>", compared in constant time. */
function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = String(headers["x-tidewater-timestamp"]);
  const expected = `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  const given = String(headers["x-tidewater-signature"]);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

beforeAll(async () => {
  // Opening (and migrating) the embedded database is the slow part on a busy machine: do it under the hook's timeout.
  await getDb();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          const to = Array.isArray(m.to) ? m.to.map((a) => a.text).join(", ") : (m.to?.text ?? "");
          mails.push({ to, from: m.from?.text ?? "", subject: m.subject ?? "", text: m.text ?? "" });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      hooks.push({ path: req.url ?? "", headers: req.headers, body });
      if (req.url === "/broken") res.writeHead(500).end("down");
      else if (req.url === "/moved") res.writeHead(302, { location: "http://169.254.169.254/latest" }).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  env.SMTP_URL = undefined;
  env.ALERT_WEBHOOK_ALLOW_PRIVATE = false;
  await new Promise<void>((resolve) => smtp.close(resolve));
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(() => {
  mails.length = 0;
  hooks.length = 0;
  env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  env.ALERT_WEBHOOK_ALLOW_PRIVATE = true;
});

async function setupSync(): Promise<{ fixture: SyncFixture; source: FakeSource; run: (p?: { fail?: boolean }) => Promise<string> }> {
  const source = createFakeSource({
    rows: [
      { user_id: "u1", email: "a@example.com" },
      { user_id: "u2", email: "b@example.com" },
    ],
    columns: [
      { name: "user_id", type: "string", nativeType: "text" },
      { name: "email", type: "string", nativeType: "text" },
    ],
  });
  const readPage = source.readPage.bind(source);
  const fixture = await createSyncFixture({
    source,
    destination: createFakeDestination(),
    settings: { object: "profile", behavior: "upsert", syncKey: { column: "user_id", identifier: "identity" }, mappings: [{ from: { column: "email" }, to: "Email", type: "string" }] },
  });
  const run = async (p: { fail?: boolean } = {}) => {
    source.readPage = p.fail
      ? async () => {
          throw new AppError("BAD_REQUEST", 'relation "public.rows" does not exist');
        }
      : readPage;
    const runId = await fixture.queueRun();
    await runSyncRun({ runId, deps: fixture.deps(), io: directIo });
    return runId;
  };
  return { fixture, source, run };
}

describe("alerts on a change of state", () => {
  it("sends one failure alert for two failed runs, then one recovery, by e-mail and a signed webhook", async () => {
    const { fixture, run } = await setupSync();
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: null, kind: "EMAIL", target: "Ops@Example.com", actor });
    const { signingSecret } = await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: null, kind: "WEBHOOK", target: `${receiverUrl}/hooks/tidewater?team=data`, actor });
    expect(signingSecret).toMatch(/^whsec_/);

    // The sync inherits the workspace default, which shows labels only: no URL path, no secret.
    const settings = await getAlertSettings({ workspaceId: fixture.workspaceId, syncId: fixture.syncId });
    expect(settings.inherits).toBe(true);
    expect(settings.channels.map((c) => c.label)).toEqual(["ops@example.com", `${receiverUrl}/…`]);
    expect(JSON.stringify(settings)).not.toContain(signingSecret!);

    await run();
    expect(mails).toEqual([]);
    expect(hooks).toEqual([]);

    const failedRun = await run({ fail: true });
    await run({ fail: true });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: "ops@example.com", from: env.ALERT_EMAIL_FROM, subject: '[Tidewater] Sync "Test sync" failed' });
    expect(mails[0]!.text).toContain('relation "public.rows" does not exist');
    expect(mails[0]!.text).toContain(`/syncs/${fixture.syncId}/runs/${failedRun}`);
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.path).toBe("/hooks/tidewater?team=data");
    expect(verifySignature(signingSecret!, hooks[0]!.headers, hooks[0]!.body)).toBe(true);
    expect(verifySignature("whsec_wrong", hooks[0]!.headers, hooks[0]!.body)).toBe(false);
    const failure = JSON.parse(hooks[0]!.body) as { type: string; run: { id: string; status: string; error: string } };
    expect(failure).toMatchObject({ type: "sync.failed", run: { id: failedRun, status: "FAILED" } });

    const recovered = await run();
    await run();
    expect(mails.map((m) => m.subject)).toEqual(['[Tidewater] Sync "Test sync" failed', '[Tidewater] Sync "Test sync" recovered']);
    expect(hooks).toHaveLength(2);
    expect(verifySignature(signingSecret!, hooks[1]!.headers, hooks[1]!.body)).toBe(true);
    expect(JSON.parse(hooks[1]!.body)).toMatchObject({ type: "sync.recovered", run: { id: recovered, status: "SUCCEEDED" } });

    const deliveries = await listAlertDeliveries({ workspaceId: fixture.workspaceId, syncId: fixture.syncId });
    expect(deliveries.map((d) => [d.event, d.channelKind, d.target, d.outcome])).toEqual([
      ["RECOVERY", "WEBHOOK", `${receiverUrl}/…`, "SENT"],
      ["RECOVERY", "EMAIL", "ops@example.com", "SENT"],
      ["FAILURE", "WEBHOOK", `${receiverUrl}/…`, "SENT"],
      ["FAILURE", "EMAIL", "ops@example.com", "SENT"],
    ]);

    // A retried alert task sends nothing twice.
    await sendRunAlerts({ runId: failedRun });
    expect(mails).toHaveLength(2);
    expect(hooks).toHaveLength(2);
  });

  it("uses a sync's override instead of the default, and goes back to the default when told", async () => {
    const { fixture, run } = await setupSync();
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: null, kind: "EMAIL", target: "default@example.com", actor });
    await updateAlertRules({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, rules: { onFailure: false }, actor });
    const own = await getAlertSettings({ workspaceId: fixture.workspaceId, syncId: fixture.syncId });
    expect(own).toMatchObject({ inherits: false, rules: { onFailure: false, onRecovery: true } });
    // The override started as a copy of the default, channels included.
    expect(own.channels.map((c) => c.label)).toEqual(["default@example.com"]);
    await run({ fail: true });
    expect(mails).toEqual([]);

    await updateAlertRules({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, inherit: true, actor });
    expect((await getAlertSettings({ workspaceId: fixture.workspaceId, syncId: fixture.syncId })).inherits).toBe(true);
    await run();
    expect(mails.map((m) => m.subject)).toEqual(['[Tidewater] Sync "Test sync" recovered']);
  });

  it("records e-mail as logged without SMTP, and a failing or redirecting webhook as failed", async () => {
    env.SMTP_URL = undefined;
    const { fixture, run } = await setupSync();
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, kind: "EMAIL", target: "ops@example.com", actor });
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, kind: "WEBHOOK", target: `${receiverUrl}/broken`, actor });
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, kind: "SLACK", target: `${receiverUrl}/moved`, actor });
    const runId = await fixture.queueRun();
    await getDb().then((db) => db.syncRun.update({ where: { id: runId }, data: { status: "FAILED", error: "boom", finishedAt: new Date() } }));
    const slept: number[] = [];
    const result = await sendRunAlerts({ runId, sleep: async (ms) => void slept.push(ms) });
    expect(result.deliveries.map((d) => d.outcome)).toEqual(["LOGGED", "FAILED", "FAILED"]);
    const deliveries = await listAlertDeliveries({ workspaceId: fixture.workspaceId, syncId: fixture.syncId });
    const byKind = Object.fromEntries(deliveries.map((d) => [d.channelKind, d]));
    expect(byKind.EMAIL).toMatchObject({ outcome: "LOGGED", error: null });
    expect(byKind.WEBHOOK).toMatchObject({ outcome: "FAILED", error: "The webhook answered 500" });
    expect(byKind.SLACK!.error).toContain("redirects are not followed");
    // The 500 was tried three times; the redirect once, and its target never called.
    expect(hooks.map((h) => h.path)).toEqual(["/broken", "/broken", "/broken", "/moved"]);
    expect(slept).toEqual([1000, 2000]);
    // A Slack-compatible body.
    expect(JSON.parse(hooks[3]!.body)).toMatchObject({ text: expect.stringContaining('Sync "Test sync" failed'), blocks: expect.any(Array) });

    // The next run recovers; the sync was new, so its first failure had alerted.
    hooks.length = 0;
    await run();
    expect(hooks.filter((h) => h.path === "/broken")).toHaveLength(3);
  });

  it("refuses bad channel targets and thresholds, and changes nothing", async () => {
    const { fixture } = await setupSync();
    const scope = { workspaceId: fixture.workspaceId, syncId: fixture.syncId, actor };
    await expect(addAlertChannel({ ...scope, kind: "WEBHOOK", target: "file:///etc/passwd" })).rejects.toThrow("Only http:// and https:// webhooks can be called, not file://.");
    await expect(addAlertChannel({ ...scope, kind: "SLACK", target: "https://user:pw@hooks.example.com/x" })).rejects.toThrow("Leave the user name and password out");
    await expect(addAlertChannel({ ...scope, kind: "EMAIL", target: "not-an-address" })).rejects.toThrow('"not-an-address" is not an e-mail address.');
    await expect(updateAlertRules({ ...scope, rules: { problemRowsPercent: 0 } })).rejects.toThrow("from 1 to 100 (got 0)");
    expect(await getAlertSettings({ workspaceId: fixture.workspaceId, syncId: fixture.syncId })).toMatchObject({ inherits: true, channels: [] });
    const db = await getDb();
    expect(await db.alertPolicy.count({ where: { workspaceId: fixture.workspaceId } })).toBe(0);
  });
});

describe("webhooks to private addresses, with ALERT_WEBHOOK_ALLOW_PRIVATE off", () => {
  it("refuses a private address when the channel is added, in any spelling, and by what a name resolves to", async () => {
    env.ALERT_WEBHOOK_ALLOW_PRIVATE = false;
    const { fixture } = await setupSync();
    const scope = { workspaceId: fixture.workspaceId, syncId: fixture.syncId, actor };
    for (const [target, message] of [
      [`${receiverUrl}/hooks`, "This address is private (127.0.0.1); alerts can only go to public addresses."],
      ["http://2130706433/", "This address is private (127.0.0.1)"],
      ["http://0x7f.1/", "This address is private (127.0.0.1)"],
      ["http://169.254.169.254/latest/meta-data/", "This address is private (169.254.169.254)"],
      ["https://10.0.0.7/hook", "This address is private (10.0.0.7)"],
      ["http://[::1]:8080/", "This address is private (::1)"],
      ["http://[::ffff:127.0.0.1]/", "This address is private (::ffff:7f00:1)"],
      ["http://[fd00::5]/", "This address is private (fd00::5)"],
      ["http://0.0.0.0:3000/", "This address is private (0.0.0.0)"],
      ["http://localhost:3000/x", "localhost resolves to a private address ("],
    ] as const) {
      for (const kind of ["WEBHOOK", "SLACK"] as const) {
        const refused = await addAlertChannel({ ...scope, kind, target }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(refused, `${kind} ${target}`).toBeInstanceOf(AppError);
        expect((refused as AppError).message, target).toContain(message);
        expect((refused as AppError).details.fieldErrors, target).toEqual({ url: (refused as AppError).message });
      }
    }
    expect(await getAlertSettings({ workspaceId: fixture.workspaceId, syncId: fixture.syncId })).toMatchObject({ inherits: true, channels: [] });
  });

  it("refuses the delivery at connect time to a channel that points at a private address (saved while allowed, or a name that now resolves inward)", async () => {
    // Saved while private addresses were allowed: what a DNS answer changed after saving looks like to the delivery.
    const { fixture } = await setupSync();
    const port = new URL(receiverUrl).port;
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, kind: "WEBHOOK", target: `${receiverUrl}/hooks`, actor });
    await addAlertChannel({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, kind: "SLACK", target: `http://localhost:${port}/slack`, actor });
    env.ALERT_WEBHOOK_ALLOW_PRIVATE = false;

    const runId = await fixture.queueRun();
    await getDb().then((db) => db.syncRun.update({ where: { id: runId }, data: { status: "FAILED", error: "boom", finishedAt: new Date() } }));
    const slept: number[] = [];
    const result = await sendRunAlerts({ runId, sleep: async (ms) => void slept.push(ms) });
    expect(result.deliveries.map((d) => d.outcome)).toEqual(["FAILED", "FAILED"]);
    const byKind = Object.fromEntries((await listAlertDeliveries({ workspaceId: fixture.workspaceId, syncId: fixture.syncId })).map((d) => [d.channelKind, d]));
    expect(byKind.WEBHOOK!.error).toBe("This address is private (127.0.0.1); alerts can only go to public addresses.");
    expect(byKind.SLACK!.error).toMatch(/^localhost resolves to a private address \((127\.0\.0\.1|::1)\); alerts can only go to public addresses\.$/);
    // Refused, not retried, and the receiver never reached.
    expect(slept).toEqual([]);
    expect(hooks).toEqual([]);

    // With private addresses allowed again, the retried task delivers to the same channels.
    env.ALERT_WEBHOOK_ALLOW_PRIVATE = true;
    expect((await sendRunAlerts({ runId })).deliveries.map((d) => d.outcome)).toEqual(["SENT", "SENT"]);
    expect(hooks.map((h) => h.path).sort()).toEqual(["/hooks", "/slack"]);
  });
});

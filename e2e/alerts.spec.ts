/**
 * Alerts, in the browser against `next start`: an e-mail channel on the workspace default (Settings), a
 * signed webhook on the sync's own override (sync page), then a sync that fails (a mapped column is
 * dropped from the source table), fails again, and recovers once the column is back. The e-mails arrive
 * at a real SMTP server in this process (port from playwright.config.ts) and the webhooks at a real HTTP
 * receiver that checks the HMAC signature the way the README says; one alert per change of state.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { simpleParser } from "mailparser";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";
import { addCleverTapDestination, addPostgresSource, createSync, runSync, startSync } from "./fixtures/sync-flows";

type Mail = { to: string; from: string; subject: string; text: string };
type Hook = { headers: IncomingHttpHeaders; body: string };

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let smtp: SMTPServer;
let receiver: Server;
let receiverUrl: string;
const mails: Mail[] = [];
const hooks: Hook[] = [];

async function runSql(sql: string) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The README recipe. */
function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const expected = `v1=${createHmac("sha256", secret).update(`${String(headers["x-tidewater-timestamp"])}.${body}`).digest("hex")}`;
  const given = String(headers["x-tidewater-signature"] ?? "");
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

async function screens(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/alerts-${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `test-results/screens/alerts-${name}-390.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "no sideways scroll at 390 px").toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_alerts");
  await runSql(`
    CREATE TABLE public.users (user_id text PRIMARY KEY, email text, username text);
    INSERT INTO public.users VALUES ('a-1', 'ada@example.com', 'Ada'), ('a-2', 'grace@example.com', 'Grace');
  `);
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
  await new Promise<void>((resolve) => smtp.listen(Number(process.env.E2E_SMTP_PORT ?? 4040), "127.0.0.1", resolve));
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tidewater-alerts`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => smtp?.close(resolve));
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await source?.drop();
});

test("a failing sync sends one e-mail and one signed webhook, and again when it recovers", async ({ page }) => {
  test.setTimeout(600_000);
  const { slug } = await signUpWithWorkspace(page, "alerts");
  let syncPath = "";
  let secret = "";

  await test.step("a PostgreSQL users → CleverTap Profile sync", async () => {
    await addPostgresSource(page, slug, "Warehouse", source.url);
    await addCleverTapDestination(page, slug);
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.users", destination: "CleverTap (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    syncPath = await createSync(page, "Users to CleverTap");
  });

  await test.step("Settings: the workspace default alerts ops by e-mail", async () => {
    await page.goto(`/w/${slug}/settings`);
    const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Default alerts" }) });
    // The machine may be busy: the first load of a page can take a while.
    await expect(card.getByText("No channels yet")).toBeVisible({ timeout: 60_000 });
    await card.getByLabel("Channel", { exact: true }).selectOption({ label: "E-mail" });
    await card.getByLabel("E-mail address").fill("ops@example.com");
    await card.getByRole("button", { name: "Add channel" }).click();
    await expect(card.getByRole("list", { name: "Alert channels" })).toContainText("ops@example.com");
    await card.getByRole("checkbox", { name: /When invalid plus rejected rows exceed/ }).check();
    await card.getByLabel("Threshold, percent of rows read").fill("25");
    await card.getByRole("button", { name: "Save alert rules" }).click();
    await expect(card.getByRole("button", { name: "Save alert rules" })).toBeDisabled();
    await screens(page, "01-settings-default");
  });

  await test.step("the sync page: inherit, then override and add a signed webhook (its secret shown once)", async () => {
    await page.goto(syncPath);
    const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Alerts", exact: true }) });
    await expect(card.getByRole("radio", { name: "Use the workspace default" })).toBeChecked({ timeout: 60_000 });
    await expect(card.getByRole("list", { name: "Alert channels" })).toContainText("ops@example.com");
    // The radio follows the saved setting, so it turns checked once the server has made the override.
    await card.getByRole("radio", { name: "Override for this sync" }).click();
    await expect(card.getByRole("radio", { name: "Override for this sync" })).toBeChecked();
    await card.getByLabel("Channel", { exact: true }).selectOption({ label: "Signed webhook" });
    // A non-http URL is refused with the reason, and nothing is added.
    await card.getByLabel("Webhook URL").fill("ftp://example.com/hook");
    await card.getByRole("button", { name: "Add channel" }).click();
    await expect(card.getByRole("alert")).toContainText("Only http:// and https:// webhooks can be called, not ftp://.");
    await card.getByLabel("Webhook URL").fill(receiverUrl);
    await card.getByRole("button", { name: "Add channel" }).click();
    secret = ((await page.getByTestId("alert-signing-secret").textContent()) ?? "").trim();
    expect(secret).toMatch(/^whsec_/);
    await expect(card.getByRole("list", { name: "Alert channels" })).toContainText("http://127.0.0.1:");
    await expect(page.getByText("No alerts yet.")).toBeVisible();
    await screens(page, "02-sync-override");
    // Shown once: after a reload the page has the label only.
    await page.reload();
    await expect(card.getByRole("list", { name: "Alert channels" })).toContainText("http://127.0.0.1:");
    await expect(page.getByText(secret)).toHaveCount(0);
  });

  await test.step("a successful run alerts nobody", async () => {
    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Succeeded");
  });

  await test.step("the mapped email column is dropped: the run fails and one e-mail and one signed webhook arrive", async () => {
    await runSql("ALTER TABLE public.users DROP COLUMN email");
    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Failed");
    await expect.poll(() => mails.length, { timeout: 30_000 }).toBe(1);
    expect(mails[0]).toMatchObject({ to: "ops@example.com", from: "alerts@tidewater.test", subject: '[Tidewater] Sync "Users to CleverTap" failed' });
    expect(mails[0]!.text).toContain("email");
    await expect.poll(() => hooks.length, { timeout: 30_000 }).toBe(1);
    expect(verifySignature(secret, hooks[0]!.headers, hooks[0]!.body)).toBe(true);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: "sync.failed", sync: { name: "Users to CleverTap" }, run: { status: "FAILED" } });
  });

  await test.step("it fails again: no second alert; the column comes back and the recovery alerts arrive", async () => {
    expect((await runSync(page, syncPath)).status).toBe("Failed");
    await runSql("ALTER TABLE public.users ADD COLUMN email text; UPDATE public.users SET email = user_id || '@example.com'");
    expect((await runSync(page, syncPath)).status).toBe("Succeeded");
    await expect.poll(() => mails.map((m) => m.subject), { timeout: 30_000 }).toEqual(['[Tidewater] Sync "Users to CleverTap" failed', '[Tidewater] Sync "Users to CleverTap" recovered']);
    await expect.poll(() => hooks.length, { timeout: 30_000 }).toBe(2);
    expect(verifySignature(secret, hooks[1]!.headers, hooks[1]!.body)).toBe(true);
    expect(JSON.parse(hooks[1]!.body)).toMatchObject({ type: "sync.recovered", run: { status: "SUCCEEDED" } });
  });

  await test.step("the sync page lists the four deliveries with their outcome", async () => {
    await page.goto(syncPath);
    const rows = page.getByRole("table", { name: "Alert deliveries" }).getByTestId("alert-delivery");
    await expect(rows).toHaveCount(4);
    const text = await rows.allInnerTexts();
    expect(text.filter((t) => t.includes("Recovered"))).toHaveLength(2);
    expect(text.filter((t) => t.includes("Failed") && t.includes("Sent"))).toHaveLength(2);
    expect(text.every((t) => t.includes("Sent"))).toBe(true);
    await page.getByRole("table", { name: "Alert deliveries" }).scrollIntoViewIfNeeded();
    await screens(page, "03-sync-deliveries");
  });
  // Nothing more arrived than the two alerts of each kind.
  expect(mails).toHaveLength(2);
  expect(hooks).toHaveLength(2);
});

/**
 * The rest of the seed guides, walked in the browser as a new user would:
 * - CleverTap "Send Events to CleverTap": purchases → "Charged" events with typed properties, then only
 *   new rows are sent (a changed purchase is not re-sent);
 * - Customer.io: two named connections, a People sync ("Update or Create", custom field), an "Update Only"
 *   sync that must not create an unknown person, an Events sync with event ids that survives a Full resync
 *   without duplicates, and the read-back Verification panel;
 * - scheduling from the UI: every N minutes, the next 5 runs, and the sync page's schedule and next run.
 * Ids carry a per-run tag because the simulators outlive one spec file.
 */
import { expect, test, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";
import {
  addCleverTapDestination,
  addCustomerioDestination,
  addMapping,
  addPostgresSource,
  captureScreen,
  CLEVERTAP_SIM,
  createSync,
  readMappings,
  runSync,
  startSync,
} from "./fixtures/sync-flows";

const clevertapUrl = () => process.env.E2E_CLEVERTAP_URL ?? "http://127.0.0.1:4010";
const customerioUrl = () => process.env.E2E_CUSTOMERIO_URL ?? "http://127.0.0.1:4020";
const TAG = `g${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

type ClevertapEvent = { identity?: string; evtName: string; evtData: Record<string, unknown>; ts: number };
type CustomerioPerson = { id: string | null; email: string | null; attributes: Record<string, unknown> };
type CustomerioEvent = { name: string; id: string | null; timestamp: number; data: Record<string, unknown> };

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

async function runSql(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A ULID-shaped id (what Customer.io de-duplicates events on), so the simulator shows it unchanged. */
function makeUlid(): string {
  const bytes = randomBytes(26);
  return Array.from(bytes, (b, i) => CROCKFORD[i === 0 ? b % 8 : b % 32]).join("");
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.ok, `${url} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

const clevertapEvents = async () =>
  (await fetchJson<{ events: ClevertapEvent[] }>(`${clevertapUrl()}/__sim/records?accountId=${CLEVERTAP_SIM.accountId}`)).events.filter((e) => e.identity?.startsWith(TAG));
const customerioRecords = () => fetchJson<{ people: CustomerioPerson[]; events: CustomerioEvent[] }>(`${customerioUrl()}/__sim/records`);
const customerioDuplicates = async () => (await fetchJson<{ duplicateEvents: number }>(`${customerioUrl()}/__sim/stats`)).duplicateEvents;

const PURCHASE_TIMES = ["2026-11-01T09:15:00Z", "2026-11-02T14:30:00Z", "2026-11-03T18:45:00Z", "2026-11-04T08:00:00Z"];
const SIGNUP_EVENT_IDS = [makeUlid(), makeUlid(), makeUlid()];

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_guides");
  await runSql(`
    CREATE TABLE public.purchases (
      purchase_id text PRIMARY KEY, user_id text NOT NULL, transaction_value numeric(10,2), currency text,
      product_category text, discount_applied boolean, purchased_at timestamptz);
    INSERT INTO public.purchases VALUES
      ('p-1', '${TAG}-u1', 49.99, 'USD', 'Books', false, '${PURCHASE_TIMES[0]}'),
      ('p-2', '${TAG}-u2', 120.50, 'EUR', 'Electronics', true, '${PURCHASE_TIMES[1]}'),
      ('p-3', '${TAG}-u1', 15.00, 'USD', 'Groceries', true, '${PURCHASE_TIMES[2]}');
    CREATE TABLE public.people (user_id text PRIMARY KEY, email text NOT NULL, plan text, lifetime_value numeric(10,2));
    INSERT INTO public.people VALUES
      ('${TAG}-c1', '${TAG}-ada@example.com', 'pro', 310.25),
      ('${TAG}-c2', '${TAG}-grace@example.com', 'free', 0),
      ('${TAG}-c3', '${TAG}-linus@example.com', 'team', 72.5);
    CREATE TABLE public.plan_changes (user_id text PRIMARY KEY, plan text NOT NULL);
    INSERT INTO public.plan_changes VALUES ('${TAG}-c1', 'enterprise'), ('${TAG}-ghost', 'pro');
    CREATE TABLE public.app_events (event_id text PRIMARY KEY, user_id text NOT NULL, event_name text NOT NULL, plan text, occurred_at timestamptz);
    INSERT INTO public.app_events VALUES
      ('${SIGNUP_EVENT_IDS[0]}', '${TAG}-c1', 'signed_up', 'pro', '2026-11-10T10:00:00Z'),
      ('${SIGNUP_EVENT_IDS[1]}', '${TAG}-c2', 'signed_up', 'free', '2026-11-11T11:00:00Z'),
      ('${SIGNUP_EVENT_IDS[2]}', '${TAG}-c1', 'upgraded', 'pro', '2026-11-12T12:00:00Z');
  `);
});

test.afterAll(async () => {
  await source?.drop();
});

/**
 * The run page stops polling once the run's status is final, but the read-back is stored after that
 * (5 s later when a first read differs), so the panel only shows after a reload: reload until it does.
 */
async function waitForVerification(page: Page) {
  const summary = page.getByTestId("verification-summary");
  await expect(async () => {
    if (!(await summary.isVisible())) await page.reload();
    await expect(summary).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
}

async function connectWarehouse(page: Page, slug: string) {
  await addPostgresSource(page, slug, "Warehouse", source.url);
}

test("Send Events to CleverTap: purchases become Charged events, and only new purchases are sent again", async ({ page }) => {
  const { slug } = await signUpWithWorkspace(page, "guides-clevertap");
  await connectWarehouse(page, slug);
  await addCleverTapDestination(page, slug);

  await test.step("+ Create a new Sync: purchases → CleverTap Event, behaviour Send, sync key purchase_id", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.purchases", destination: "CleverTap (CleverTap)", object: "Event" });
    await expect(page.getByRole("radio", { name: /^Send Each new row/ })).toBeChecked();
    await page.getByLabel("Source column", { exact: true }).selectOption("purchase_id");
  });

  await test.step("Configure Event Syncing: event name Charged, user_id → User Identity, purchased_at as the time", async () => {
    await expect(page.getByRole("heading", { name: "Configure Event Syncing" })).toBeVisible();
    await page.getByRole("radio", { name: "The same name for every row" }).check();
    await page.getByLabel("Event name", { exact: true }).fill("Charged");
    await page.getByLabel("User identity column").selectOption("user_id");
    await expect(page.getByLabel("Matches the user's")).toHaveValue("identity");
    await page.getByLabel("Timestamp column (optional)").selectOption("purchased_at");
  });

  await test.step("field mappings with their types; currency → Currency is auto-matched", async () => {
    await expect.poll(() => readMappings(page)).toContain("currency→Currency:string");
    await addMapping(page, { column: "transaction_value", to: "Transaction Value", type: "Number" });
    await addMapping(page, { column: "product_category", to: "Product Category", type: "String" });
    await addMapping(page, { column: "discount_applied", to: "Discount Applied", type: "Boolean" });
    expect((await readMappings(page)).sort()).toEqual([
      "currency→Currency:string",
      "discount_applied→Discount Applied:boolean",
      "product_category→Product Category:string",
      "transaction_value→Transaction Value:number",
    ]);
    await captureScreen(page, "guides-01-clevertap-event-mappings");
  });

  const syncPath = await createSync(page, "Purchases to CleverTap");
  await captureScreen(page, "guides-02-clevertap-event-sync");

  await test.step("Run Sync Now: every purchase arrives as a Charged event with typed properties", async () => {
    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Succeeded");
    expect(run.counts).toMatchObject({ read: 3, created: 3, invalid: 0, rejected: 0 });
    // The guide's last step: the events are read back from CleverTap and Event Analytics is one click away.
    await waitForVerification(page);
    await expect(page.getByTestId("verification-summary")).toHaveText("3 of 3 verified");
    await expect(page.getByRole("link", { name: /^Event Analytics: open Analytics > Events/ })).toHaveAttribute("href", /\.dashboard\.clevertap\.com\/.+\/main$/);
    await captureScreen(page, "guides-03-clevertap-event-run");
    const events = await clevertapEvents();
    expect(events).toHaveLength(3);
    const byValue = new Map(events.map((e) => [e.evtData["Transaction Value"], e]));
    expect(events.every((e) => e.evtName === "Charged")).toBe(true);
    const books = byValue.get(49.99);
    expect(books?.identity).toBe(`${TAG}-u1`);
    expect(books?.evtData).toEqual({ "Transaction Value": 49.99, Currency: "USD", "Product Category": "Books", "Discount Applied": false });
    expect(books?.ts).toBe(Date.parse(PURCHASE_TIMES[0]!) / 1000);
    expect(byValue.get(120.5)?.evtData).toEqual({ "Transaction Value": 120.5, Currency: "EUR", "Product Category": "Electronics", "Discount Applied": true });
    expect(byValue.get(120.5)?.identity).toBe(`${TAG}-u2`);
    expect(byValue.get(15)?.ts).toBe(Date.parse(PURCHASE_TIMES[2]!) / 1000);
  });

  await test.step("one purchase changes and one arrives: exactly one new event, the changed one is not re-sent", async () => {
    await runSql(`
      UPDATE public.purchases SET transaction_value = 59.99 WHERE purchase_id = 'p-1';
      INSERT INTO public.purchases VALUES ('p-4', '${TAG}-u3', 8.25, 'GBP', 'Books', false, '${PURCHASE_TIMES[3]}');
    `);
    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Succeeded");
    expect(run.counts).toMatchObject({ read: 4, created: 1, updated: 0, invalid: 0, rejected: 0 });
    await captureScreen(page, "guides-04-clevertap-event-second-run");
    const events = await clevertapEvents();
    expect(events).toHaveLength(4);
    const added = events.filter((e) => e.identity === `${TAG}-u3`);
    expect(added.map((e) => e.evtData)).toEqual([{ "Transaction Value": 8.25, Currency: "GBP", "Product Category": "Books", "Discount Applied": false }]);
    expect(events.some((e) => e.evtData["Transaction Value"] === 59.99)).toBe(false);
  });
});

test("Customer.io: two named connections, People (Update or Create, Update Only) and Events with de-duplication", async ({ page }) => {
  const { slug } = await signUpWithWorkspace(page, "guides-customerio");
  await connectWarehouse(page, slug);

  await test.step("two Customer.io connections with memorable names, both tested OK", async () => {
    await addCustomerioDestination(page, slug, "Customer.io – Production", "guides-05-customerio-form-tested");
    await addCustomerioDestination(page, slug, "Customer.io – Staging");
    await page.goto(`/w/${slug}/connections`);
    await expect(page.getByTestId("connection-row-Customer.io – Production")).toContainText("Tested OK");
    await expect(page.getByTestId("connection-row-Customer.io – Staging")).toContainText("Tested OK");
    await captureScreen(page, "guides-06-customerio-connections");
  });

  let peopleSync = "";
  await test.step("People sync: Person, Update or Create, user_id → ID, email auto-matched, a custom field", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.people", destination: "Customer.io – Production (Customer.io)", object: "Person" });
    await expect(page.getByRole("radio", { name: /^Update or Create/ })).toBeChecked();
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await expect(page.getByLabel("Person identifier")).toHaveValue("id");
    await expect.poll(() => readMappings(page)).toEqual(["email→email:string"]);
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem").first()).toContainText("auto-matched");
    await addMapping(page, { column: "plan", to: "plan_tier" }, "Add Custom Field");
    await addMapping(page, { column: "lifetime_value", to: "lifetime_value", type: "Number" }, "Add Custom Field");
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem").nth(1)).toContainText("Custom field");
    await captureScreen(page, "guides-07-customerio-people-mappings");
    peopleSync = await createSync(page, "People to Customer.io");
  });

  await test.step("run: the people arrive with their attributes, and the Verification panel shows all verified", async () => {
    const run = await runSync(page, peopleSync);
    expect(run.status).toBe("Succeeded");
    expect(run.counts).toMatchObject({ read: 3, created: 3, invalid: 0, rejected: 0 });
    await waitForVerification(page);
    await expect(page.getByTestId("verification-summary")).toHaveText(/^(\d+) of \1 verified$/);
    const summary = (await page.getByTestId("verification-summary").textContent()) ?? "";
    expect(Number(summary.split(" ")[0])).toBeGreaterThan(0);
    await captureScreen(page, "guides-08-customerio-people-run");
    const people = new Map((await customerioRecords()).people.map((p) => [p.id, p]));
    expect(people.get(`${TAG}-c1`)).toMatchObject({ email: `${TAG}-ada@example.com`, attributes: { plan_tier: "pro", lifetime_value: 310.25 } });
    expect(people.get(`${TAG}-c3`)).toMatchObject({ email: `${TAG}-linus@example.com`, attributes: { plan_tier: "team", lifetime_value: 72.5 } });
    expect(people.get(`${TAG}-c2`)?.attributes).toMatchObject({ plan_tier: "free", lifetime_value: 0 });
  });

  await test.step("an Update Only sync updates a known person and never creates the unknown one", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.plan_changes", destination: "Customer.io – Production (Customer.io)", object: "Person" });
    await page.getByRole("radio", { name: /^Update Only/ }).check();
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await addMapping(page, { column: "plan", to: "plan_tier" }, "Add Custom Field");
    const syncPath = await createSync(page, "Plan changes (update only)");
    const run = await runSync(page, syncPath);
    await waitForVerification(page);
    // Update Only sends both rows as updates; Customer.io skips the unknown person, which only the read-back can show.
    await expect(page.getByTestId("verification-summary")).toHaveText("1 of 2 verified");
    const differences = page.getByRole("table", { name: "Verification differences" });
    await expect(differences.getByRole("row").filter({ hasText: `${TAG}-ghost` })).toContainText("missing");
    await expect(differences.getByRole("row").filter({ hasText: `${TAG}-c1` })).toHaveCount(0);
    await captureScreen(page, "guides-09-customerio-update-only-run");
    expect(run.status).toMatch(/^Succeeded/);
    expect(run.counts).toMatchObject({ read: 2, created: 0, updated: 2 });
    const people = new Map((await customerioRecords()).people.map((p) => [p.id, p]));
    expect(people.get(`${TAG}-c1`)?.attributes).toMatchObject({ plan_tier: "enterprise" });
    expect(people.has(`${TAG}-ghost`)).toBe(false);
  });

  let eventsSync = "";
  await test.step("Events sync: Event, Append Only, name from a column, person id and event id columns", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.app_events", destination: "Customer.io – Production (Customer.io)", object: "Event" });
    await expect(page.getByRole("radio", { name: /^Append Only/ })).toBeChecked();
    await page.getByLabel("Source column", { exact: true }).selectOption("event_id");
    await page.getByRole("radio", { name: "From a column" }).check();
    await page.getByLabel("Event name column").selectOption("event_name");
    await page.getByLabel("User identity column").selectOption("user_id");
    await expect(page.getByLabel("Matches the user's")).toHaveValue("id");
    await page.getByLabel("Event id column (de-duplication)").selectOption("event_id");
    await page.getByLabel("Timestamp column (optional)").selectOption("occurred_at");
    await addMapping(page, { column: "plan", to: "plan" }, "Add Custom Field");
    await captureScreen(page, "guides-10-customerio-events-form");
    eventsSync = await createSync(page, "App events to Customer.io");
  });

  const ourEvents = async () => (await customerioRecords()).events.filter((e) => e.id && SIGNUP_EVENT_IDS.includes(e.id));

  await test.step("run: the events arrive with their ids, names, times and data", async () => {
    const run = await runSync(page, eventsSync);
    expect(run.status).toBe("Succeeded");
    expect(run.counts).toMatchObject({ read: 3, created: 3, invalid: 0, rejected: 0 });
    const events = await ourEvents();
    expect(events.map((e) => e.id).sort()).toEqual([...SIGNUP_EVENT_IDS].sort());
    const first = events.find((e) => e.id === SIGNUP_EVENT_IDS[0]);
    expect(first).toMatchObject({ name: "signed_up", timestamp: Date.parse("2026-11-10T10:00:00Z") / 1000, data: { plan: "pro" } });
    expect(events.find((e) => e.id === SIGNUP_EVENT_IDS[2])?.name).toBe("upgraded");
  });

  await test.step("Full resync (confirmed) sends them again and Customer.io drops the duplicates", async () => {
    const duplicatesBefore = await customerioDuplicates();
    const run = await runSync(page, eventsSync, { fullResync: true });
    expect(run.status).toBe("Succeeded");
    expect(run.counts.read).toBe(3);
    await expect(page.getByText(/· full resync ·/)).toBeVisible();
    await captureScreen(page, "guides-11-customerio-full-resync");
    expect(await customerioDuplicates()).toBe(duplicatesBefore + 3);
    expect(await ourEvents()).toHaveLength(3);
  });
});

test("scheduling from the UI: every N minutes, the next 5 runs, and the sync page's schedule and next run", async ({ page }) => {
  const { slug } = await signUpWithWorkspace(page, "guides-schedule");
  await connectWarehouse(page, slug);
  await addCustomerioDestination(page, slug, "Customer.io – Production");
  await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.people", destination: "Customer.io – Production (Customer.io)", object: "Person" });
  await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
  await expect.poll(() => readMappings(page)).toEqual(["email→email:string"]);

  await test.step("Every N minutes previews the next 5 runs, N minutes apart", async () => {
    await page.getByLabel("Schedule", { exact: true }).selectOption({ label: "Every N minutes" });
    await page.getByLabel("Every (minutes)").fill("30");
    await expect(page.getByTestId("schedule-description")).toHaveText("Every 30 minutes");
    const runs = page.getByRole("list", { name: "Next 5 runs" }).getByRole("listitem");
    await expect(runs).toHaveCount(5);
    const minutes = (await runs.allTextContents()).map((text) => {
      const match = /(\d{2}):(\d{2})/.exec(text);
      expect(match, `"${text}" shows a time`).not.toBeNull();
      return Number(match![1]) * 60 + Number(match![2]);
    });
    for (let i = 1; i < minutes.length; i += 1) expect((minutes[i]! - minutes[i - 1]! + 1440) % 1440).toBe(30);
    await captureScreen(page, "guides-12-schedule-preview");
  });

  await test.step("Create Sync: the sync page shows the schedule and a next run about N minutes away", async () => {
    await createSync(page, "Scheduled people");
    await expect(page.getByText("Sync created")).toBeVisible();
    await expect(page.getByText("It runs every 30 minutes")).toBeVisible();
    const status = page.getByRole("definition").filter({ hasText: /^Every 30 minutes$/ });
    await expect(status.first()).toBeVisible();
    const nextRun = page.getByRole("term").filter({ hasText: /^Next run$/ }).locator("xpath=following-sibling::dd[1]");
    await expect(nextRun).toHaveText(/^in (29|30) minutes$/);
    await expect(nextRun.locator("span[title]")).toHaveAttribute("title", new RegExp(String(new Date(Date.now() + 30 * 60_000).getFullYear())));
    await captureScreen(page, "guides-13-scheduled-sync");
  });

  await test.step("Edit to every 20 minutes; the sync page follows", async () => {
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByLabel("Schedule", { exact: true })).toHaveValue("minutes");
    await expect(page.getByLabel("Every (minutes)")).toHaveValue("30");
    await page.getByLabel("Every (minutes)").fill("20");
    await expect(page.getByTestId("schedule-description")).toHaveText("Every 20 minutes");
    await expect(page.getByRole("list", { name: "Next 5 runs" }).getByRole("listitem")).toHaveCount(5);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/\?saved=1$/);
    await expect(page.getByRole("definition").filter({ hasText: /^Every 20 minutes$/ }).first()).toBeVisible();
    await expect(page.getByRole("term").filter({ hasText: /^Next run$/ }).locator("xpath=following-sibling::dd[1]")).toHaveText(/^in (19|20) minutes$/);
  });

  await test.step("turning the sync off shows no next run; back on shows one again", async () => {
    const nextRun = page.getByRole("term").filter({ hasText: /^Next run$/ }).locator("xpath=following-sibling::dd[1]");
    await page.getByRole("switch", { name: "Sync enabled" }).click();
    await expect(nextRun).toHaveText("None while disabled");
    await page.getByRole("switch", { name: "Sync enabled" }).click();
    await expect(nextRun).toHaveText(/^in \d+ minutes$/);
    // Leave it off so the scheduler never starts it while other specs run.
    await page.getByRole("switch", { name: "Sync enabled" }).click();
    await expect(nextRun).toHaveText("None while disabled");
  });
});

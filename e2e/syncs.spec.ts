/**
 * "Send Profiles to CleverTap" from the seed guide, as a new user walks it: PostgreSQL source and CleverTap
 * destination through the Connections UI, "+ Create a new Sync" (users table → Profile, user_id → User
 * Identity, email → Email and username → Name auto-matched), Create Sync, Run Sync Now, the run page's
 * counts, and the profiles in the CleverTap simulator. Then one row changes and one arrives: the next run
 * updates 1 and creates 1.
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";

const CLEVERTAP_ACCOUNT_ID = "SIM-ACC-0001";
const CLEVERTAP_PASSCODE = "SIM-PASS-0001";
const clevertapUrl = () => process.env.E2E_CLEVERTAP_URL ?? "http://127.0.0.1:4010";

type SimProfile = { identity?: string; profileData: Record<string, unknown> };

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

async function runSql(sql: string) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_syncs");
  await runSql(`
    CREATE TABLE public.users (user_id text PRIMARY KEY, email text NOT NULL, username text, plan text);
    INSERT INTO public.users VALUES
      ('u-1', 'ada@example.com', 'Ada Lovelace', 'pro'),
      ('u-2', 'grace@example.com', 'Grace Hopper', 'free'),
      ('u-3', 'linus@example.com', 'Linus Torvalds', NULL);
  `);
});

test.afterAll(async () => {
  await source?.drop();
});

async function captureScreen(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/syncs-${name}.png`, fullPage: true });
}

async function simulatorProfiles(): Promise<Map<string, SimProfile>> {
  const response = await fetch(`${clevertapUrl()}/__sim/records?accountId=${CLEVERTAP_ACCOUNT_ID}`);
  expect(response.ok).toBe(true);
  const body = (await response.json()) as { profiles: SimProfile[] };
  return new Map(body.profiles.filter((p) => p.identity).map((p) => [p.identity!, p]));
}

async function addPostgresSource(page: Page, slug: string) {
  await page.goto(`/w/${slug}/connections`);
  await page.getByRole("link", { name: "New Source" }).click();
  await page.getByRole("searchbox", { name: "Search sources" }).fill("PostgreSQL");
  await page.getByRole("link", { name: /^PostgreSQL/ }).click();
  await page.getByLabel("Name", { exact: true }).fill("Warehouse");
  await page.getByLabel("Connection URL").fill(source.url);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText("Connection succeeded");
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByRole("heading", { name: "Warehouse", level: 1 })).toBeVisible();
}

async function addCleverTapDestination(page: Page, slug: string) {
  await page.goto(`/w/${slug}/connections`);
  await page.getByRole("link", { name: "New Destination" }).click();
  await page.getByRole("searchbox", { name: "Search destinations" }).fill("CleverTap");
  await page.getByRole("link", { name: /^CleverTap/ }).click();
  await page.getByLabel("Account ID").fill(CLEVERTAP_ACCOUNT_ID);
  await page.getByLabel("Passcode").fill(CLEVERTAP_PASSCODE);
  await page.getByLabel("Region").selectOption({ label: "United States" });
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText("Connection succeeded");
  await page.getByRole("button", { name: "Finish" }).click();
  await expect(page.getByRole("heading", { name: "CleverTap", level: 1 })).toBeVisible();
}

/** From the sync page: Run Sync Now, wait on the run page for "Succeeded", answer the counts. */
async function runSyncNow(page: Page): Promise<Record<string, number>> {
  await page.getByRole("button", { name: "Run Sync Now" }).click();
  await page.waitForURL(/\/runs\/[^/?]+/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Succeeded", { timeout: 60_000 });
  const counts: Record<string, number> = {};
  for (const key of ["read", "invalid", "unchanged", "created", "updated", "rejected", "retried"]) {
    counts[key] = Number((await page.getByTestId(`count-${key}-value`).textContent())?.replaceAll(",", ""));
  }
  return counts;
}

test("a new user sends PostgreSQL users to CleverTap profiles, then only what changed", async ({ page }) => {
  test.setTimeout(240_000);
  const { slug } = await signUpWithWorkspace(page, "syncs-admin");

  await test.step("the Overview checklist and the empty Syncs page point to connections", async () => {
    await page.goto(`/w/${slug}`);
    await expect(page.getByTestId("checklist-1")).toHaveAttribute("data-done", "false");
    await captureScreen(page, "01-overview-empty");
    await page.goto(`/w/${slug}/syncs`);
    await expect(page.getByRole("heading", { name: "Connect a source and a destination first" })).toBeVisible();
    await captureScreen(page, "02-syncs-empty");
  });

  await test.step("connect PostgreSQL and CleverTap through the Connections UI", async () => {
    await addPostgresSource(page, slug);
    await addCleverTapDestination(page, slug);
    await page.goto(`/w/${slug}`);
    await expect(page.getByTestId("checklist-1")).toHaveAttribute("data-done", "true");
    await expect(page.getByTestId("checklist-2")).toHaveAttribute("data-done", "true");
    await expect(page.getByTestId("checklist-3")).toHaveAttribute("data-done", "false");
  });

  await test.step("+ Create a new Sync: source, table, destination, Profile", async () => {
    await page.goto(`/w/${slug}/syncs`);
    await page.getByRole("link", { name: "Create a new Sync" }).click();
    await expect(page.getByRole("heading", { name: "Create a new Sync", level: 1 })).toBeVisible();
    await page.getByLabel("Source connection").selectOption({ label: "Warehouse (PostgreSQL)" });
    await page.getByLabel("Schema and table").selectOption({ label: "public.users" });
    await expect(page.getByRole("table", { name: "Model preview" })).toContainText("grace@example.com");
    await page.getByLabel("Destination connection").selectOption({ label: "CleverTap (CleverTap)" });
    await page.getByLabel("Object").selectOption({ label: "Profile" });
    await expect(page.getByRole("radio", { name: /Update or Create/ })).toBeChecked();
  });

  await test.step("sync key user_id → User Identity; email → Email and username → Name are auto-matched", async () => {
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await expect(page.getByLabel("Profile identifier")).toHaveValue("identity");
    const rows = page.getByRole("list", { name: "Field mappings" }).getByRole("listitem");
    await expect(rows).toHaveCount(2);
    const pairs = await rows.evaluateAll((items) =>
      items.map((item) => {
        const column = item.querySelector<HTMLSelectElement>('select[aria-label$="source column"]')?.value;
        const field = item.querySelector<HTMLInputElement>('input[aria-label$="destination field"]')?.value;
        return `${column}→${field}`;
      }),
    );
    expect(pairs.sort()).toEqual(["email→Email", "username→Name"]);
    await expect(rows.first()).toContainText("auto-matched");
    await captureScreen(page, "03-create-sync-mappings");
  });

  await test.step("the schedule previews its next runs; Create Sync lands on the sync page", async () => {
    await page.getByLabel("Schedule", { exact: true }).selectOption({ label: "Every N hours" });
    await page.getByLabel("Every (hours)").fill("6");
    await expect(page.getByTestId("schedule-description")).toHaveText("Every 6 hours");
    await expect(page.getByRole("list", { name: "Next 5 runs" }).getByRole("listitem")).toHaveCount(5);
    await page.getByLabel("Schedule", { exact: true }).selectOption({ label: "Manual (Run Sync Now)" });
    await expect(page.getByTestId("schedule-description")).toHaveText("Manual only");
    await page.getByLabel("Sync name").fill("Users to CleverTap");
    await expect(page.getByRole("definition").filter({ hasText: "user_id → User Identity" })).toBeVisible();
    await captureScreen(page, "04-create-sync-confirm");
    await page.getByRole("button", { name: "Create Sync" }).click();
    await page.waitForURL(/\/syncs\/(?!new)[^/?]+\?created=1$/);
    await expect(page.getByRole("heading", { name: "Users to CleverTap", level: 1 })).toBeVisible();
    await expect(page.getByText("Sync created")).toBeVisible();
    await captureScreen(page, "05-sync-created");
  });

  await test.step("Run Sync Now: 3 read, 3 created, and the simulator holds the profiles", async () => {
    const counts = await runSyncNow(page);
    expect(counts).toMatchObject({ read: 3, created: 3, updated: 0, unchanged: 0, invalid: 0, rejected: 0 });
    await expect(page.getByRole("log", { name: "Run log" })).not.toBeEmpty();
    await captureScreen(page, "06-run-succeeded");
    const profiles = await simulatorProfiles();
    expect(profiles.get("u-1")?.profileData).toMatchObject({ Email: "ada@example.com", Name: "Ada Lovelace" });
    expect(profiles.get("u-3")?.profileData).toMatchObject({ Email: "linus@example.com", Name: "Linus Torvalds" });
    expect(profiles.get("u-1")?.profileData).not.toHaveProperty("plan");
  });

  await test.step("one row changes and one arrives: the next run updates 1 and creates 1", async () => {
    await runSql(`
      UPDATE public.users SET email = 'grace.hopper@example.com' WHERE user_id = 'u-2';
      UPDATE public.users SET plan = 'enterprise' WHERE user_id = 'u-3';
      INSERT INTO public.users VALUES ('u-4', 'alan@example.com', 'Alan Turing', 'free');
    `);
    await page.getByRole("link", { name: "Users to CleverTap" }).first().click();
    await expect(page.getByRole("heading", { name: "Users to CleverTap", level: 1 })).toBeVisible();
    const counts = await runSyncNow(page);
    // u-3 changed only an unmapped column, so it is unchanged: nothing is sent for it.
    expect(counts).toMatchObject({ read: 4, created: 1, updated: 1, unchanged: 2, invalid: 0, rejected: 0 });
    const profiles = await simulatorProfiles();
    expect(profiles.get("u-2")?.profileData).toMatchObject({ Email: "grace.hopper@example.com" });
    expect(profiles.get("u-4")?.profileData).toMatchObject({ Email: "alan@example.com", Name: "Alan Turing" });
  });

  await test.step("the sync page lists both runs with a chart; the Overview shows them", async () => {
    await page.getByRole("link", { name: "Users to CleverTap" }).first().click();
    const runsTable = page.getByRole("table", { name: "Runs of Users to CleverTap" });
    await expect(runsTable.getByRole("row")).toHaveCount(3);
    await expect(runsTable.getByText("Succeeded", { exact: true })).toHaveCount(2);
    await expect(page.getByRole("figure", { name: "Rows per run" })).toBeVisible();
    await captureScreen(page, "07-sync-page-runs");
    await page.goto(`/w/${slug}/syncs`);
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toContainText("Succeeded");
    await captureScreen(page, "08-syncs-list");
    await page.goto(`/w/${slug}`);
    await expect(page.getByRole("table", { name: "Recent runs" }).getByRole("row")).toHaveCount(3);
    await captureScreen(page, "09-overview-runs");
  });

  await test.step("a SQL model: the server's field errors show next to their fields, and an invalid row is explained", async () => {
    await page.goto(`/w/${slug}/syncs/new`);
    await page.getByLabel("Source connection").selectOption({ label: "Warehouse (PostgreSQL)" });
    await page.getByRole("radio", { name: "SQL query" }).check();
    await page.getByRole("textbox", { name: "SQL query" }).fill("select user_id, email, case when user_id = 'u-2' then repeat('x', 600) else username end as username from public.users");
    await page.getByRole("button", { name: "Preview query" }).click();
    await expect(page.getByRole("table", { name: "Model preview" })).toContainText("alan@example.com");
    await page.getByLabel("Destination connection").selectOption({ label: "CleverTap (CleverTap)" });
    await page.getByLabel("Object").selectOption({ label: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem")).toHaveCount(2);
    await page.getByRole("button", { name: "Add Mapping" }).click();
    await page.getByLabel("Mapping 3: source kind").selectOption("constant");
    await page.getByLabel("Mapping 3: constant value").fill("lots");
    await page.getByLabel("Mapping 3: destination field").fill("Score");
    await page.getByLabel("Mapping 3: type").selectOption("number");
    await page.getByLabel("Sync name").fill("Users via SQL");
    await page.getByRole("button", { name: "Create Sync" }).click();
    await expect(page.getByTestId("sync-form-errors")).toContainText("Mapping 3 (constant)");
    await expect(page.locator("#sync-mappings-2-from-constant-error")).toBeVisible();
    await expect(page.getByLabel("Mapping 3: constant value")).toHaveAttribute("aria-invalid", "true");
    await captureScreen(page, "11-create-sync-server-errors");
    await page.getByLabel("Mapping 3: constant value").fill("42");
    await page.getByRole("button", { name: "Create Sync" }).click();
    await page.waitForURL(/\?created=1$/);
    const counts = await runSyncNow(page);
    expect(counts).toMatchObject({ read: 4, created: 3 });
    expect(counts.invalid! + counts.rejected!).toBe(1);
    await expect(page.getByRole("table", { name: "Record errors", exact: true })).toContainText("u-2");
    await captureScreen(page, "12-run-with-record-errors");
  });

  await test.step("an Event sync asks for the event name and the user identity before it can be created", async () => {
    await page.goto(`/w/${slug}/syncs/new`);
    await page.getByLabel("Source connection").selectOption({ label: "Warehouse (PostgreSQL)" });
    await page.getByLabel("Schema and table").selectOption({ label: "public.users" });
    await page.getByLabel("Destination connection").selectOption({ label: "CleverTap (CleverTap)" });
    await page.getByLabel("Object").selectOption({ label: "Event" });
    await expect(page.getByRole("radio", { name: /^Send Each new row/ })).toBeChecked();
    await expect(page.getByRole("heading", { name: "Configure Event Syncing" })).toBeVisible();
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await page.getByRole("button", { name: "Create Sync" }).click();
    const summary = page.getByTestId("sync-form-errors");
    await expect(summary).toContainText("Event name");
    await expect(summary).toContainText("User identity column");
    await expect(page.locator("#sync-event-name-constant-error")).toBeVisible();
    await captureScreen(page, "13-event-sync-missing-fields");
  });

  await test.step("Edit opens the same form prefilled; a bad cron is explained next to its field", async () => {
    await page.goto(`/w/${slug}/syncs`);
    await page.getByRole("link", { name: "Users to CleverTap", exact: true }).click();
    await page.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByLabel("Sync name")).toHaveValue("Users to CleverTap");
    await expect(page.getByLabel("Source column", { exact: true })).toHaveValue("user_id");
    await page.getByLabel("Schedule", { exact: true }).selectOption({ label: "Custom cron expression" });
    await page.getByLabel("Cron expression").fill("61 * * * *");
    await expect(page.locator("#sync-schedule").getByRole("alert")).toBeVisible();
    await captureScreen(page, "10-edit-bad-cron");
    await page.getByLabel("Cron expression").fill("0 6 * * 1-5");
    await page.getByLabel("Time zone").fill("Europe/Paris");
    await expect(page.getByTestId("schedule-description")).toHaveText("Weekdays at 06:00 Europe/Paris");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/\?saved=1$/);
    await expect(page.getByText("Weekdays at 06:00 Europe/Paris").first()).toBeVisible();
  });
});

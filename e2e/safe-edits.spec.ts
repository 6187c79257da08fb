/**
 * Safe edits, in the browser against `next start`: a mapping change is recorded in the sync's history
 * with who, when and a field-by-field diff; the sync page then offers "Resync changed fields", which sends
 * only the rows whose payload changed; and a full resync of CleverTap events, which CleverTap cannot
 * de-duplicate, says how many events would arrive twice and needs the sync's name typed (the API refuses
 * it without the name too).
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";
import { addCleverTapDestination, addPostgresSource, createSync, readFinishedRun, runSync, startSync } from "./fixtures/sync-flows";
import { callProcedure } from "./fixtures/trpc";

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_safe_edits");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  await client.query(`
    CREATE TABLE public.users (user_id text PRIMARY KEY, email text, username text, display_name text);
    INSERT INTO public.users VALUES ('se-1', 'se1@example.com', 'Ada', 'Ada'), ('se-2', 'se2@example.com', 'Grace', 'Grace Hopper'), ('se-3', 'se3@example.com', 'Linus', 'Linus');
    CREATE TABLE public.purchases (purchase_id text PRIMARY KEY, user_id text NOT NULL, amount numeric NOT NULL);
    INSERT INTO public.purchases VALUES ('sp-1', 'se-1', 10), ('sp-2', 'se-2', 20);
  `);
  await client.end();
});

test.afterAll(async () => {
  await source?.drop();
});

test("a mapping change is in the history, Resync changed fields sends only changed rows, and a duplicating full resync needs the name", async ({ page }) => {
  test.setTimeout(240_000);
  const { email, slug } = await signUpWithWorkspace(page, "safe-edits");
  await addPostgresSource(page, slug, "Warehouse", source.url);
  await addCleverTapDestination(page, slug);

  const profiles = await test.step("create a profile sync and run it once", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.users", destination: "CleverTap (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    const path = await createSync(page, "Users with plans");
    const run = await runSync(page, path);
    expect(run.counts).toMatchObject({ read: 3, created: 3 });
    return path;
  });

  await test.step("edit: Name now comes from display_name; the history shows version 2 with the diff and who made it", async () => {
    await page.goto(profiles);
    await expect(page.getByTestId("revision-1")).toContainText("Created with the settings of that time.");
    await page.getByRole("link", { name: "Edit" }).click();
    // The form opens with the auto-matched Name and Email rows.
    const rows = page.getByRole("list", { name: "Field mappings" }).getByRole("listitem");
    await expect(rows).toHaveCount(2);
    const nameRow = (await page.getByLabel("Mapping 1: destination field").inputValue()) === "Name" ? 1 : 2;
    await expect(page.getByLabel(`Mapping ${nameRow}: destination field`)).toHaveValue("Name");
    await page.getByLabel(`Mapping ${nameRow}: source column`).selectOption("display_name");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/\?saved=1$/);
    const revision = page.getByTestId("revision-2");
    await expect(revision).toContainText("Version 2");
    await expect(revision).toContainText(email);
    await expect(revision).toContainText("Mapping → Name");
    await expect(revision).toContainText("changed");
    await expect(revision.locator("del")).toHaveText("username → Name (string)");
    await expect(revision.locator("ins")).toHaveText("display_name → Name (string)");
    await page.screenshot({ path: "test-results/screenshots/safe-edits-history-1280.png", fullPage: true });
  });

  await test.step("Resync changed fields explains itself and sends only the row whose name changed", async () => {
    const callout = page.getByRole("status").filter({ hasText: "Mappings changed since the last successful run" });
    await expect(callout).toContainText("Changed: Name.");
    await callout.getByRole("button", { name: "Resync changed fields" }).click();
    await page.waitForURL(/\/runs\/[^/?]+/);
    const run = await readFinishedRun(page);
    // Only se-2's display name differs from its username, so only its payload changed.
    expect(run.counts).toMatchObject({ read: 3, updated: 1, unchanged: 2, created: 0 });
    await page.goto(profiles);
    await expect(page.getByTestId("revision-2")).toBeVisible();
    await expect(page.getByText("Mappings changed since the last successful run")).toHaveCount(0);
  });

  await test.step("a full resync of CleverTap events needs the sync's name and says how many events repeat", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.purchases", destination: "CleverTap (CleverTap)", object: "Event" });
    await page.getByLabel("Source column", { exact: true }).selectOption("purchase_id");
    await page.getByRole("radio", { name: "The same name for every row" }).check();
    await page.getByLabel("Event name", { exact: true }).fill("Charged");
    await page.getByLabel("User identity column").selectOption("user_id");
    // amount → Amount is matched to CleverTap's standard Charged field automatically.
    await expect(page.getByLabel("Mapping 1: destination field")).toHaveValue("Amount");
    const events = await createSync(page, "Purchases as events");
    const first = await runSync(page, events);
    expect(first.counts).toMatchObject({ read: 2, created: 2 });

    await page.goto(events);
    await page.getByRole("button", { name: "Full resync" }).click();
    const dialog = page.getByRole("dialog", { name: "Run a full resync?" });
    await expect(dialog.getByTestId("resync-duplicates")).toHaveText("CleverTap cannot de-duplicate events: the 2 events this sync already sent will be sent again and appear twice.");
    const confirm = dialog.getByRole("button", { name: "Run full resync" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Type Purchases as events to confirm").fill("Purchases");
    await expect(confirm).toBeDisabled();
    await page.screenshot({ path: "test-results/screenshots/safe-edits-resync-confirm-1280.png" });

    // Skipping the dialog does not help: the server asks for the name as well.
    const ws = await callProcedure(page, "workspace.bySlug", { slug });
    const workspaceId = (ws.body as unknown as { result: { data: { json: { id: string } } } }).result.data.json.id;
    const syncId = events.split("/").pop()!;
    const refused = await callProcedure(page, "syncRun.request", { workspaceId, syncId, fullResync: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.json?.message).toContain('A full resync of "Purchases as events" sends its 2 events to CleverTap again');

    await dialog.getByLabel("Type Purchases as events to confirm").fill("Purchases as events");
    await confirm.click();
    await page.waitForURL(/\/runs\/[^/?]+/);
    const resync = await readFinishedRun(page);
    expect(resync.counts).toMatchObject({ read: 2, created: 2 });
  });
});

/**
 * Change tracking through the UI: a sync over a PostgreSQL table with updated_at names it in the form's
 * "Change Tracking" step; the first run reads every row (full compare), then 2 of 200 rows change and the
 * next run is incremental: it reads only those and shows it on the run page and the sync page. An event
 * sync on a numeric key starts with change tracking on its key, as the form says.
 */
import { expect, test } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { addCleverTapDestination, addPostgresSource, captureScreen, createSync, runSync, startSync } from "./fixtures/sync-flows";
import { signUpWithWorkspace } from "./fixtures/session";

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
  source = await createPostgresDatabase("e2e_incremental");
  // Written days ago, an hour apart, so only the latest row is inside the 15-minute look-back.
  await runSql(`
    CREATE TABLE public.members (member_id int PRIMARY KEY, email text NOT NULL, username text NOT NULL, updated_at timestamptz NOT NULL);
    INSERT INTO public.members SELECT i, 'member' || i || '@example.com', 'Member ' || i, now() - interval '3 days' - i * interval '1 hour' FROM generate_series(1, 200) AS i;
    CREATE TABLE public.page_views (view_id bigint PRIMARY KEY, member_id int NOT NULL, page text NOT NULL);
  `);
});

test.afterAll(async () => {
  await source?.drop();
});

test("a sync tracks updated_at: the second run reads only the changed rows", async ({ page }) => {
  test.setTimeout(240_000);
  const { slug } = await signUpWithWorkspace(page, "incremental");
  await addPostgresSource(page, slug, "Warehouse", source.url);
  await addCleverTapDestination(page, slug);

  let syncPath = "";
  await test.step("the form's Change Tracking step offers only date and number columns", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.members", destination: "CleverTap (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("member_id");
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem")).toHaveCount(2);
    const tracking = page.getByLabel("Change-tracking column");
    await expect(tracking).toHaveValue("");
    await expect(tracking.locator("option")).toHaveText(["None: read every row", "member_id (integer)", "updated_at (timestamp with time zone)"]);
    await tracking.selectOption("updated_at");
    await expect(page.getByLabel("Look-back (minutes)")).toHaveValue("15");
    await expect(page.getByLabel("Full compare every (hours)")).toHaveValue("24");
    await page.getByLabel("Look-back (minutes)").fill("30");
    await expect(page.getByRole("definition").filter({ hasText: "Incremental: rows whose updated_at is past the last run's, look-back 30 min; full compare every 24 h" })).toBeVisible();
    await captureScreen(page, "incremental-01-form");
    syncPath = await createSync(page, "Members to CleverTap");
    await expect(page.getByTestId("sync-watermark")).toContainText("The next run reads every row");
  });

  await test.step("the first run reads everything: a full compare", async () => {
    const first = await runSync(page, syncPath);
    expect(first).toMatchObject({ status: "Succeeded", counts: { read: 200, created: 200, updated: 0 } });
    await expect(page.getByTestId("run-read-mode")).toContainText("Full compare");
  });

  await test.step("2 of 200 rows change: the next run is incremental and reads only them (and the latest row, inside the look-back)", async () => {
    await runSql(`UPDATE public.members SET username = username || ' (renamed)', updated_at = now() WHERE member_id IN (17, 140)`);
    const next = await runSync(page, syncPath);
    expect(next).toMatchObject({ status: "Succeeded", counts: { read: 3, created: 0, updated: 2, unchanged: 1 } });
    await expect(page.getByTestId("run-read-mode")).toContainText("Incremental read: rows with updated_at after");
    await expect(page.getByTestId("run-read-mode")).toContainText("not counted as unchanged");
    await expect(page.getByRole("log", { name: "Run log" })).toContainText("Incremental read: rows with updated_at >");
    await captureScreen(page, "incremental-02-run");
    await page.goto(syncPath);
    await expect(page.getByTestId("sync-watermark")).toContainText("Read up to updated_at");
    await expect(page.getByTestId("sync-watermark")).toContainText("Last full compare");
    await captureScreen(page, "incremental-03-sync-page");
  });

  await test.step("a new event sync on a numeric key reads only new rows by default, and says so", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.page_views", destination: "CleverTap (CleverTap)", object: "Event" });
    await expect(page.getByRole("heading", { name: "Change Tracking (optional)" })).toBeVisible();
    await expect(page.getByText("that is the default for event syncs on a numeric or date key")).toBeVisible();
    await page.getByLabel("Source column", { exact: true }).selectOption("view_id");
    await expect(page.getByLabel("Change-tracking column")).toHaveValue("view_id");
    await expect(page.getByLabel("Look-back (minutes)")).toHaveValue("0");
    await captureScreen(page, "incremental-04-event-default");
  });
});

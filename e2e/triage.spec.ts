/**
 * Error triage and finding things, as a user with a messy warehouse walks them: a sync whose rows have
 * bad ages, repeated keys and missing keys runs; the run page groups its errors by field and reason with
 * counts that add up to the run's invalid count; the groups, the field filter and the key search narrow
 * the list; the CSV download has one line per error, as many as the run counted. Then the syncs list is
 * searched and filtered, the runs list filtered, and both keep their filters in the URL across a reload.
 * Screenshots at 1280 and 390 px go to test-results/screenshots/.
 */
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";
import { addCleverTapDestination, addPostgresSource, createSync, runSync, startSync } from "./fixtures/sync-flows";

const BAD_AGES = 120;
const DUPLICATES = 40;
const NULL_KEYS = 15;
const EMPTY_KEYS = 5;
const GOOD = 200;
const INVALID = BAD_AGES + DUPLICATES + NULL_KEYS + EMPTY_KEYS;

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_triage");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE public.users (user_id text, email text, username text, age text)`);
    // Keys u-0000 … : good rows, then rows whose age is not a number (one has a formula for a key).
    await client.query(`INSERT INTO public.users
      SELECT 'u-' || lpad(i::text, 4, '0'), 'user' || i || '@example.com', 'User ' || i, (20 + i % 50)::text FROM generate_series(1, ${GOOD}) i`);
    await client.query(`INSERT INTO public.users
      SELECT 'u-' || lpad(i::text, 4, '0'), 'user' || i || '@example.com', 'User ' || i, 'n/a ' || i FROM generate_series(${GOOD + 1}, ${GOOD + BAD_AGES - 1}) i`);
    await client.query(`INSERT INTO public.users VALUES ('=HYPERLINK("http://x")', 'formula@example.com', 'Formula', 'abc')`);
    // The same key again: the first row (by key order) is kept, these are invalid.
    await client.query(`INSERT INTO public.users
      SELECT 'u-' || lpad(i::text, 4, '0'), 'again' || i || '@example.com', 'Again ' || i, '30' FROM generate_series(1, ${DUPLICATES}) i`);
    await client.query(`INSERT INTO public.users SELECT NULL, 'nokey' || i || '@example.com', 'No key ' || i, '40' FROM generate_series(1, ${NULL_KEYS}) i`);
    await client.query(`INSERT INTO public.users SELECT '', 'empty' || i || '@example.com', 'Empty key ' || i, '41' FROM generate_series(1, ${EMPTY_KEYS}) i`);
  } finally {
    await client.end();
  }
});

test.afterAll(async () => {
  await source?.drop();
});

async function screenshotBoth(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: `test-results/screenshots/triage-${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function groupCounts(page: Page): Promise<number[]> {
  const cells = page.getByTestId("error-group-count");
  return (await cells.allTextContents()).map((t) => Number(t.replaceAll(",", "")));
}

test("triage a run's bad rows, download them as CSV, and find syncs and runs", async ({ page }) => {
  test.setTimeout(300_000);
  const { slug } = await signUpWithWorkspace(page, "triage");
  await addPostgresSource(page, slug, "Warehouse", source.url);
  await addCleverTapDestination(page, slug);

  await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.users", destination: "CleverTap (CleverTap)", object: "Profile" });
  await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
  // age → Age (Number) is auto-matched, as are email and username.
  await expect(page.getByRole("list", { name: "Field mappings" })).toContainText("Age");
  const syncPath = await createSync(page, "Users to CleverTap");

  const run = await runSync(page, syncPath);
  expect(run.counts).toMatchObject({ invalid: INVALID, rejected: 0, created: GOOD });
  const runUrl = page.url();

  await test.step("the errors are grouped by field and reason, and the groups add up to the run's counts", async () => {
    const groups = page.getByRole("table", { name: "Record errors by field and reason" });
    await expect(groups).toBeVisible();
    await expect.poll(() => groupCounts(page).then((c) => c.reduce((a, b) => a + b, 0))).toBe(run.counts.invalid! + run.counts.rejected!);
    expect(await groupCounts(page)).toEqual([BAD_AGES, DUPLICATES, NULL_KEYS, EMPTY_KEYS]);
    await expect(groups.getByRole("row").nth(1)).toContainText("value '…' in column age is not a number");
    await expect(groups.getByRole("row").nth(1)).toContainText(`${((BAD_AGES / (GOOD + BAD_AGES + DUPLICATES + NULL_KEYS + EMPTY_KEYS)) * 100).toFixed(0)}%`);
    await expect(groups.getByRole("row").nth(2)).toContainText("the first row with this key in key order, is synced");
    await screenshotBoth(page, "run-errors");
  });

  await test.step("a group, the field filter and the key search narrow the list", async () => {
    const errors = page.getByRole("table", { name: "Record errors", exact: true });
    await page.getByRole("table", { name: "Record errors by field and reason" }).getByRole("row").nth(1).getByRole("button", { name: "Show rows" }).click();
    await expect(page.getByTestId("matching-errors")).toHaveText(`${BAD_AGES} matching errors`);
    await page.getByRole("button", { name: "Clear filters" }).click();

    await page.getByLabel("Filter errors by field").selectOption("user_id");
    await expect(page.getByTestId("matching-errors")).toHaveText(`${DUPLICATES + NULL_KEYS + EMPTY_KEYS} matching errors`);
    // A duplicate names the kept row and its own; a row without a key shows its position and values.
    await expect(errors).toContainText(/only row \d+, the first row with this key in key order, is synced; row \d+ is not/);
    await page.getByRole("table", { name: "Record errors by field and reason" }).getByRole("row").nth(3).getByRole("button", { name: "Show rows" }).click();
    await expect(errors.getByRole("row").nth(1)).toContainText("no key");
    await expect(errors.getByRole("row").nth(1)).toContainText(/row \d+/);
    await expect(errors.getByRole("row").nth(1)).toContainText(/email='(nokey|empty)\d+@example\.com'/);
    await page.getByRole("button", { name: "Clear filters" }).click();

    await page.getByLabel("Search errors by record key").fill("U-021");
    await expect(page.getByTestId("matching-errors")).toHaveText("10 matching errors");
    await expect(errors.getByRole("row")).toHaveCount(11);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page.getByTestId("matching-errors")).toHaveCount(0);
  });

  await test.step("the CSV download has one line per error, as many as the run counted", async () => {
    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^run-.+-record-errors\.csv$/);
    const rows = parse(await readFile((await download.path())!, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(run.counts.invalid! + run.counts.rejected!);
    expect(rows.filter((r) => r.field === "Age")).toHaveLength(BAD_AGES);
    // A key a spreadsheet would run as a formula is defused with an apostrophe.
    expect(rows.find((r) => r.row_values === "" && (r.record_key ?? "").includes("HYPERLINK"))?.record_key).toBe(`'=HYPERLINK("http://x")`);
    const keyless = rows.filter((r) => r.record_key === "");
    expect(keyless).toHaveLength(NULL_KEYS + EMPTY_KEYS);
    expect(keyless.every((r) => Number(r.row_number) > 0 && (r.row_values ?? "").includes("email="))).toBe(true);
  });

  await test.step("a second sync, then the syncs list is searched and filtered, and keeps it across a reload", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.users", destination: "CleverTap (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("email");
    await createSync(page, "Emails to CleverTap");

    await page.goto(`/w/${slug}/syncs`);
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toBeVisible();
    await expect(page.getByTestId("sync-row-Emails to CleverTap")).toBeVisible();
    await page.getByLabel("Search syncs by name").fill("emails");
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toHaveCount(0);
    await expect(page).toHaveURL(/[?&]q=emails/);
    await page.reload();
    await expect(page.getByLabel("Search syncs by name")).toHaveValue("emails");
    await expect(page.getByTestId("sync-row-Emails to CleverTap")).toBeVisible();
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toHaveCount(0);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Filter by status").selectOption("never_run");
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toHaveCount(0);
    await expect(page.getByTestId("sync-row-Emails to CleverTap")).toBeVisible();
    await page.getByLabel("Filter by status").selectOption("SUCCEEDED_WITH_INVALID_ROWS");
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toBeVisible();
    await expect(page.getByTestId("sync-row-Emails to CleverTap")).toHaveCount(0);
    await page.getByLabel("Filter by status").selectOption("");
    await page.getByLabel("Filter by source").selectOption({ label: "Warehouse" });
    await expect(page.getByTestId("sync-row-Users to CleverTap")).toBeVisible();
    await page.getByLabel("Search syncs by name").fill("nothing like this");
    await expect(page.getByText("No syncs match these filters")).toBeVisible();
    await page.getByLabel("Search syncs by name").fill("");
    await expect(page.getByTestId("sync-row-Emails to CleverTap")).toBeVisible();
    await screenshotBoth(page, "syncs-filtered");
  });

  await test.step("the runs list is filtered by status, trigger and date, kept in the URL", async () => {
    await page.goto(syncPath);
    const runsTable = page.getByRole("table", { name: "Runs of Users to CleverTap" });
    await expect(runsTable.getByRole("row")).toHaveCount(2);
    await page.getByLabel("Filter runs by status").selectOption("FAILED");
    await expect(page.getByText("No runs match these filters.")).toBeVisible();
    await page.getByLabel("Filter runs by status").selectOption("SUCCEEDED_WITH_INVALID_ROWS");
    await page.getByLabel("Filter runs by trigger").selectOption("MANUAL");
    await expect(runsTable.getByRole("row")).toHaveCount(2);
    await expect(page).toHaveURL(/runStatus=SUCCEEDED_WITH_INVALID_ROWS/);
    await page.reload();
    await expect(page.getByLabel("Filter runs by status")).toHaveValue("SUCCEEDED_WITH_INVALID_ROWS");
    await expect(page.getByLabel("Filter runs by trigger")).toHaveValue("MANUAL");
    await expect(runsTable.getByRole("row")).toHaveCount(2);
    await page.getByLabel("Filter runs by trigger").selectOption("SCHEDULE");
    await expect(page.getByText("No runs match these filters.")).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(runsTable.getByRole("row")).toHaveCount(2);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
    await page.getByLabel("Runs from").fill(day);
    await expect(page.getByText("No runs match these filters.")).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(runsTable.getByRole("row")).toHaveCount(2);
    await screenshotBoth(page, "sync-runs-filter");
  });

  await test.step("the overview's rows per day include the invalid rows", async () => {
    await page.goto(`/w/${slug}`);
    const chart = page.getByRole("figure", { name: "Rows per day" });
    await expect(chart).toContainText(`${GOOD} sent, ${INVALID} invalid, 0 rejected`);
    await screenshotBoth(page, "overview");
    await page.goto(runUrl);
  });
});

/**
 * Dry run, as a new user meets it: in the sync form before Create Sync and on the sync page, the sample's
 * payloads and fates and the whole model's invalid rows by field and reason, with nothing sent. Then the
 * real run: what the CleverTap simulator received is exactly the payloads the dry run showed. Last, the
 * same over REST with an API token (`POST /api/v1/syncs/{id}/dry-run`).
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";
import { addCleverTapDestination, addPostgresSource, CLEVERTAP_SIM, createSync, runSync, startSync } from "./fixtures/sync-flows";

const clevertapUrl = () => process.env.E2E_CLEVERTAP_URL ?? "http://127.0.0.1:4010";
const USERS = 12;
/** Users 4 and 9 have a phone with spaces and no +: CleverTap refuses it, so the row is invalid. */
const BAD_PHONES = new Set(["dr-04", "dr-09"]);
const PHONE_REASON = "must start with + and the country code, digits only (e.g. +14155551234)";

type Upload = { accountId: string; dryRun: boolean; records: { identity?: string }[] };
type ShownRow = { key: string; fate: string; payload: unknown };

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_dry_run");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE public.users (user_id text PRIMARY KEY, email text NOT NULL, username text, phone text);
      INSERT INTO public.users SELECT 'dr-' || lpad(g::text, 2, '0'), 'dry' || g || '@example.com', 'Dry User ' || g,
        CASE WHEN g IN (4, 9) THEN '44 20 7946 000' || g ELSE '+1415555' || lpad(g::text, 4, '0') END
        FROM generate_series(1, ${USERS}) g;
    `);
  } finally {
    await client.end();
  }
});

test.afterAll(async () => {
  await source?.drop();
});

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/dry-run-${name}.png`, fullPage: true });
}

/** Every record of this spec's users that the simulator received in real (not dryRun=1) uploads. */
async function receivedRecords(): Promise<{ records: { identity?: string }[]; byKey: Map<string, unknown> }> {
  const response = await fetch(`${clevertapUrl()}/__sim/uploads?accountId=${CLEVERTAP_SIM.accountId}`);
  expect(response.ok).toBe(true);
  const { uploads } = (await response.json()) as { uploads: Upload[] };
  const records = uploads.filter((u) => !u.dryRun).flatMap((u) => u.records).filter((r) => r.identity?.startsWith("dr-"));
  return { records, byKey: new Map(records.map((r) => [r.identity!, r])) };
}

/** The rows the dry-run table shows, with each payload parsed from its pretty JSON. */
async function readShownRows(page: Page): Promise<ShownRow[]> {
  const table = page.getByRole("table", { name: "Dry run sample" });
  await expect(table).toBeVisible({ timeout: 60_000 });
  return table.locator('[data-testid="dry-run-row"]').evaluateAll((rows) =>
    rows.map((row) => {
      const text = row.querySelector('[data-testid="dry-run-payload"]')?.textContent;
      return { key: row.getAttribute("data-key")!, fate: row.getAttribute("data-fate")!, payload: text ? (JSON.parse(text) as unknown) : null };
    }),
  );
}

async function expectNoSidewaysScroll(page: Page) {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

test("a dry run shows exactly what the run then sends, sends nothing itself, and works over REST", async ({ page, request }) => {
  test.setTimeout(300_000);
  const { slug } = await signUpWithWorkspace(page, "dry-run");
  await addPostgresSource(page, slug, "Warehouse", source.url);
  await addCleverTapDestination(page, slug);

  let formRows: ShownRow[] = [];
  await test.step("in the sync form, before Create Sync: the sample with payloads and the invalid phones", async () => {
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.users", destination: "CleverTap (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem")).toHaveCount(3);
    const panel = page.getByTestId("dry-run");
    await panel.getByRole("button", { name: "Dry run" }).focus();
    await page.keyboard.press("Enter");
    formRows = await readShownRows(page);
    expect(formRows).toHaveLength(USERS);
    expect(formRows.filter((r) => r.fate === "invalid").map((r) => r.key)).toEqual([...BAD_PHONES]);
    expect(formRows.filter((r) => r.fate === "create")).toHaveLength(USERS - BAD_PHONES.size);
    expect(formRows[0]!.payload).toEqual({ identity: "dr-01", type: "profile", profileData: { Email: "dry1@example.com", Name: "Dry User 1", Phone: "+14155550001" } });
    await expect(panel.locator('[data-key="dr-04"] [data-testid="dry-run-problems"]')).toHaveText(`Phone ${PHONE_REASON}`);
    await expect(panel.getByTestId("dry-run-summary")).toContainText("10 create, 0 update, 0 unchanged, 2 invalid. Nothing was sent to CleverTap.");
    // A payload opens from the keyboard.
    await panel.locator('[data-key="dr-01"] summary').focus();
    await page.keyboard.press("Enter");
    await expect(panel.locator('[data-key="dr-01"] [data-testid="dry-run-payload"]')).toBeVisible();
    await screenshot(page, "form-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, "form-390");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  const syncPath = await createSync(page, "Users dry run");
  const syncId = syncPath.split("/").pop()!;

  await test.step("on the sync page: the same payloads, and the whole model's invalid rows by field and reason", async () => {
    const panel = page.getByTestId("dry-run");
    await panel.getByRole("button", { name: "Dry run" }).click();
    const pageRows = await readShownRows(page);
    expect(pageRows).toEqual(formRows);
    // Each part of the check is held back a moment, so its live progress can be seen.
    const isCheckPart = (url: URL) => url.pathname.includes("sync.checkWholeModel");
    await page.route(isCheckPart, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await panel.getByRole("button", { name: "Check the whole model" }).click();
    await expect(page.getByRole("progressbar", { name: "Whole-model check" })).toBeVisible();
    await expect(panel.getByRole("button", { name: "Stop the check" })).toBeVisible();
    await screenshot(page, "whole-model-progress-1280");
    const groups = page.getByTestId("dry-run-group");
    await expect(groups).toHaveCount(1, { timeout: 60_000 });
    await expect(groups.first()).toContainText(`2 rows: Phone ${PHONE_REASON}`);
    await expect(groups.first()).toContainText("e.g. dr-04, dr-09");
    await expect(page.getByTestId("dry-run-whole-model")).toContainText(`2 rows of ${USERS} would be invalid`);
    await expect(page.getByRole("progressbar", { name: "Whole-model check" })).toHaveCount(0);
    await expect(panel.getByRole("button", { name: "Check the whole model" })).toBeVisible();
    await page.unroute(isCheckPart);
    expect((await receivedRecords()).records).toEqual([]);
    await screenshot(page, "sync-page-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await screenshot(page, "sync-page-390");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("the real run sends exactly the payloads the dry run showed", async () => {
    const result = await runSync(page, syncPath);
    expect(result.counts).toMatchObject({ read: USERS, created: USERS - BAD_PHONES.size, invalid: BAD_PHONES.size });
    const { records, byKey: received } = await receivedRecords();
    const creates = formRows.filter((r) => r.fate === "create");
    expect(records).toHaveLength(creates.length);
    for (const row of creates) expect(received.get(row.key), row.key).toEqual(row.payload);
    for (const key of BAD_PHONES) expect(received.has(key)).toBe(false);
  });

  await test.step("REST: POST /api/v1/syncs/{id}/dry-run with an API token", async () => {
    await page.goto(`/w/${slug}/settings`);
    await page.getByLabel("Token name").fill("dry-run automation");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("api-token-value").textContent())?.trim();
    expect(token).toBeTruthy();
    const headers = { authorization: `Bearer ${token}` };

    const response = await request.post(`/api/v1/syncs/${syncId}/dry-run`, { headers });
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { sample: { rows: ShownRow[]; counts: Record<string, number> }; wholeModel: unknown };
    expect(body.sample.counts).toEqual({ create: 0, update: 0, unchanged: USERS - BAD_PHONES.size, invalid: BAD_PHONES.size });
    expect(body.sample.rows.map((r) => r.payload)).toEqual(formRows.map((r) => r.payload));
    expect(body.wholeModel).toBeNull();

    const whole = await request.post(`/api/v1/syncs/${syncId}/dry-run`, { headers, data: { wholeModel: true } });
    expect(whole.status()).toBe(200);
    expect(((await whole.json()) as { wholeModel: unknown }).wholeModel).toEqual({
      rowsChecked: USERS,
      invalidRows: 2,
      groups: [{ field: "Phone", reason: PHONE_REASON, rows: 2, exampleKeys: ["dr-04", "dr-09"] }],
      complete: true,
      totalRows: USERS,
    });

    expect((await request.post(`/api/v1/syncs/${syncId}/dry-run`, { data: {} })).status()).toBe(401);
    expect((await request.post(`/api/v1/syncs/sync_unknown/dry-run`, { headers })).status()).toBe(404);
    const bad = await request.post(`/api/v1/syncs/${syncId}/dry-run`, { headers, data: { wholeModel: "yes" } });
    expect(bad.status()).toBe(400);
    // Still nothing beyond the real run reached CleverTap.
    expect((await receivedRecords()).records).toHaveLength(USERS - BAD_PHONES.size);
  });
});

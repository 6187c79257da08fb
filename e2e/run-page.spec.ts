/**
 * Issue 9, item 4: the run page is always true. A signed-in user starts a run of a model with 1,003 bad
 * phone numbers and watches it to the end on the run page without reloading: the status, the count
 * tiles, the record-errors panel and the verification all end up agreeing. A run of a table that was
 * dropped fails on its first attempt with PostgreSQL's own message, and never claims rows were sent.
 * Connections and syncs are set up over the REST API (other specs walk those forms).
 */
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { createWorkspace, signIn, signUp, uniqueEmail } from "./fixtures/session";

test.describe.configure({ mode: "serial" });

const ROWS = 3000;
const BAD_PHONES = 1003;
const clevertapUrl = () => process.env.E2E_CLEVERTAP_URL ?? "http://127.0.0.1:4010";

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

async function sql(text: string) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function setClevertapFaults(faults: Record<string, number>) {
  const response = await fetch(`${clevertapUrl()}/__sim/faults`, { method: "POST", body: JSON.stringify(faults) });
  expect(response.ok).toBe(true);
}

async function screenshots(page: Page, name: string) {
  mkdirSync("test-results/screenshots", { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

function api(request: APIRequestContext, token: string) {
  return async (method: "GET" | "POST", path: string, data?: unknown): Promise<Json> => {
    const response = await request.fetch(path, { method, headers: { authorization: `Bearer ${token}` }, ...(data === undefined ? {} : { data }) });
    const json = (await response.json()) as Json;
    expect(response.ok(), `${method} ${path}: ${JSON.stringify(json)}`).toBe(true);
    return json;
  };
}

const email = uniqueEmail("run-page");
let slug: string;
let call: ReturnType<typeof api>;
const syncs: Record<string, string> = {};

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_run_page");
  // Every other row up to 2,005 (1,003 of 3,000) has a phone without its country code: invalid for CleverTap, never sent.
  await sql(`
    CREATE TABLE public.members (member_id text PRIMARY KEY, email text NOT NULL, phone text);
    INSERT INTO public.members
      SELECT 'm-' || lpad(g::text, 5, '0'), 'member' || g || '@example.com',
             CASE WHEN g % 2 = 1 AND g <= ${BAD_PHONES * 2 - 1} THEN '020 7946 ' || lpad(g::text, 4, '0') ELSE '+4420794' || lpad(g::text, 5, '0') END
      FROM generate_series(1, ${ROWS}) g;
    CREATE TABLE public.doomed (member_id text PRIMARY KEY, email text NOT NULL);
    INSERT INTO public.doomed VALUES ('d-1', 'doomed@example.com');
  `);
});

test.afterAll(async () => {
  await setClevertapFaults({}).catch(() => {});
  await source?.drop();
});

test("set up: a user with a workspace, an API token, a PostgreSQL source, CleverTap and two syncs", async ({ page, request }) => {
  await signUp(page, email, { name: "Rita Runner" });
  slug = await createWorkspace(page, "Run page");
  await page.goto(`/w/${slug}/settings`);
  await page.getByLabel("Token name").fill("run-page setup");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("api-token-value").textContent())?.trim();
  expect(token).toBeTruthy();
  call = api(request, token!);

  const warehouse = await call("POST", "/api/v1/connections", { name: "Warehouse", type: "postgres", config: { url: source.url } });
  const clevertap = await call("POST", "/api/v1/connections", { name: "CleverTap", type: "clevertap", config: { accountId: "SIM-ACC-0001", passcode: "SIM-PASS-0001", region: "us1" } });
  const common = {
    sourceId: warehouse.id,
    destinationId: clevertap.id,
    object: "profile",
    behavior: "upsert",
    syncKey: { column: "member_id", identifier: "identity" },
    mappings: [
      { from: { column: "email" }, to: "Email", type: "string" },
      { from: { column: "phone" }, to: "Phone", type: "string" },
    ],
    schedule: { type: "manual" },
  };
  syncs.members = (await call("POST", "/api/v1/syncs", { ...common, name: "Members to CleverTap", model: { type: "table", schema: "public", table: "members" } })).id;
  syncs.doomed = (await call("POST", "/api/v1/syncs", { ...common, name: "Doomed to CleverTap", model: { type: "table", schema: "public", table: "doomed" }, mappings: common.mappings.slice(0, 1) })).id;
});

test("a run with invalid rows, watched to the end without a reload: tiles, status, errors and verification agree", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, email);
  // Slow uploads (each waits 12 s; the upload timeout is 60 s) hold the run open until the page shows it live.
  await setClevertapFaults({ latencyMs: 12_000 });
  await page.goto(`/w/${slug}/syncs/${syncs.members}`);
  await page.getByRole("button", { name: "Run Sync Now" }).click();
  await page.waitForURL(/\/runs\/run_/);
  // Marks this document: a reload or a full navigation would lose it.
  await page.evaluate(() => ((window as unknown as { runPageMark: string }).runPageMark = "same document"));

  const header = page.getByRole("heading", { level: 1 });
  await expect(header).toContainText(/Queued|Running/);
  await expect(page.getByText(/^Manual by Rita Runner · /)).toBeVisible();
  await setClevertapFaults({});

  await expect(header).toContainText("Succeeded with invalid rows", { timeout: 90_000 });
  await expect(page.getByTestId("count-read-value")).toHaveText("3,000");
  await expect(page.getByTestId("count-invalid-value")).toHaveText("1,003");
  await expect(page.getByTestId("count-created-value")).toHaveText("1,997");
  await expect(page.getByTestId("count-rejected-value")).toHaveText("0");
  const filters = page.getByRole("group", { name: "Filter errors by kind" });
  await expect(filters.getByRole("button", { name: "All (1,003)" })).toBeVisible();
  await expect(filters.getByRole("button", { name: "Invalid (1,003)" })).toBeVisible();
  await expect(filters.getByRole("button", { name: "Rejected (0)" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Record errors", exact: true }).getByRole("row").nth(1)).toContainText("Phone");
  await expect(page.getByTestId("verification-summary")).toHaveText("20 of 20 verified", { timeout: 60_000 });
  await expect(page.getByRole("log", { name: "Run log" })).toContainText("Finished in");
  await expect(page.getByRole("log", { name: "Run log" })).toContainText("invalid 1003, rejected 0");
  expect(await page.evaluate(() => (window as unknown as { runPageMark?: string }).runPageMark)).toBe("same document");

  await screenshots(page, "run-page-invalid-rows");

  // The runs table on the sync page says the same, with who started it.
  await page.getByRole("link", { name: "back to the sync" }).click();
  const row = page.getByRole("table").filter({ hasText: "Succeeded with invalid rows" }).getByRole("row").nth(1);
  await expect(row).toContainText("Succeeded with invalid rows");
  await expect(row).toContainText("Rita Runner");
  await expect(row).toContainText("1,003");
});

test("a run of a table that was dropped fails on its first attempt with PostgreSQL's message", async ({ page }) => {
  await sql(`DROP TABLE public.doomed`);
  await signIn(page, email);
  await page.goto(`/w/${slug}/syncs/${syncs.doomed}`);
  await page.getByRole("button", { name: "Run Sync Now" }).click();
  await page.waitForURL(/\/runs\/run_/);

  const header = page.getByRole("heading", { level: 1 });
  await expect(header).toContainText("Failed", { timeout: 60_000 });
  const failure = page.getByRole("alert").filter({ hasText: "The run failed" });
  await expect(failure).toContainText(/relation "public\.doomed" does not exist/);
  const log = page.getByRole("log", { name: "Run log" });
  await expect(log).toContainText(/Failed: .*relation "public\.doomed" does not exist/);
  await expect(log).not.toContainText("Retrying");
  await expect(log).not.toContainText("Attempt 1 of");
  await expect(page.getByText("No record errors were recorded before the run failed.", { exact: false })).toBeVisible();
  await expect(page.locator("body")).not.toContainText("sent and accepted");
  await expect(page.getByText(/attempt 2/)).toHaveCount(0);

  await screenshots(page, "run-page-missing-table");
});

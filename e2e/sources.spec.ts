/**
 * The two sources a new user starts from without a warehouse, walked in the browser to delivered
 * CleverTap profiles:
 * - Google Sheets (the example source of the CleverTap guide's "Connect Data Source"): spreadsheet URL,
 *   sheet name and a pasted service-account key; a truncated key is refused with its own message and
 *   nothing is saved; the source browser shows the sheet's typed columns and rows; a Profile sync keyed
 *   on the email column delivers the sheet's values;
 * - DuckDB over a CSV file in the workspace's folder under FILE_SOURCES_DIR (placed there as an operator
 *   would, by path relative to it): files mode, preview, a Profile sync, then one appended row and one
 *   changed value make exactly one create and one update.
 * The sheet is the Google Sheets simulator's (e2e/simulators/start.ts) and is only read here, since other
 * specs share it; the CSV's ids carry a per-run tag because the CleverTap simulator outlives a spec file.
 */
import { expect, test, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { workspaceFileFolder } from "./fixtures/file-sources";
import { signUpWithWorkspace } from "./fixtures/session";
import { addCleverTapDestination, addMapping, captureScreen, CLEVERTAP_SIM, createSync, readMappings, runSync, startSync } from "./fixtures/sync-flows";

const TAG = `s${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
const clevertapUrl = () => process.env.E2E_CLEVERTAP_URL ?? "http://127.0.0.1:4010";

/** The simulator's spreadsheet title (e2e/simulators/start.ts), which the product shows as the schema. */
const SPREADSHEET_TITLE = "Tidewater demo customers";

type SimProfile = { identity?: string; profileData: Record<string, unknown> };

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through playwright.config.ts`);
  return value;
}

async function clevertapProfiles(): Promise<Map<string, SimProfile>> {
  const response = await fetch(`${clevertapUrl()}/__sim/records?accountId=${CLEVERTAP_SIM.accountId}`);
  expect(response.ok, `the CleverTap simulator answered ${response.status}`).toBe(true);
  const body = (await response.json()) as { profiles: SimProfile[] };
  return new Map(body.profiles.filter((p) => p.identity).map((p) => [p.identity!, p]));
}

/** CleverTap's date value ($D_ and epoch seconds) for an ISO time. */
const clevertapDate = (iso: string) => `$D_${Date.parse(iso) / 1000}`;

/** "+ New Source" → search → the type's card: its empty form. */
async function openNewSourceForm(page: Page, slug: string, search: string, card: RegExp, heading: string) {
  await page.goto(`/w/${slug}/connections`);
  await page.getByRole("link", { name: "New Source" }).click();
  await page.getByRole("searchbox", { name: "Search sources" }).fill(search);
  await page.getByRole("link", { name: card }).click();
  await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
}

/** After Finish: the new connection's page, tested OK. */
async function expectConnectionPage(page: Page, name: string) {
  await page.waitForURL(/\/connections\/(?!new)[^/?]+$/);
  await expect(page.getByRole("heading", { name, exact: true, level: 1 })).toBeVisible();
  await expect(page.getByTestId("connection-status")).toContainText("Tested OK");
}

/** In the source browser: picks a table and answers its columns as "name:type" and its preview table. */
async function browseTable(page: Page, schema: string, table: string) {
  await page.getByRole("list", { name: `Tables in ${schema}` }).getByRole("button", { name: table, exact: true }).click();
  const columns = page.getByRole("list", { name: `Columns of ${table}` }).getByRole("listitem");
  const preview = page.getByRole("table", { name: `Preview of ${schema}.${table}` });
  await expect(preview).toBeVisible();
  const columnTypes = await columns.evaluateAll((items) => items.map((item) => Array.from(item.querySelectorAll("span"), (s) => s.textContent?.trim()).join(":")));
  return { columnTypes, preview };
}

/** A preview table's body as rows of cell texts. */
function readPreviewRows(preview: ReturnType<Page["getByRole"]>): Promise<string[][]> {
  return preview.locator("tbody tr").evaluateAll((rows) => rows.map((row) => Array.from(row.querySelectorAll("td"), (td) => td.textContent?.trim() ?? "")));
}

test("Google Sheets → CleverTap profiles: a pasted service-account key, the sheet's typed columns, its rows delivered", async ({ page }) => {
  test.setTimeout(90_000);
  const keyJson = readFileSync(requireEnv("E2E_GOOGLE_SERVICE_ACCOUNT_FILE"), "utf8");
  const spreadsheetUrl = `https://docs.google.com/spreadsheets/d/${requireEnv("E2E_GOOGLE_SPREADSHEET_ID")}/edit`;
  const sheet = requireEnv("E2E_GOOGLE_SHEET_TITLE");
  const { slug } = await signUpWithWorkspace(page, "sources-sheets");

  await test.step("+ New Source → Google Sheets: URL, sheet name and a truncated key are refused, nothing is saved", async () => {
    await openNewSourceForm(page, slug, "Google Sheets", /^Google Sheets/, "New Google Sheets source");
    await page.getByLabel("Name", { exact: true }).fill("Customer sheet");
    await page.getByLabel("Spreadsheet URL").fill(spreadsheetUrl);
    await page.getByLabel(/^Sheet or range/).fill(sheet);
    // A copy that missed the closing brace: still holds the private key, which no message may echo.
    const truncated = keyJson.trimEnd().slice(0, -1);
    await page.getByLabel("Service account key (JSON)").fill(truncated);
    await page.getByRole("button", { name: "Test", exact: true }).click();
    const fieldError = page.locator("#new-connection-serviceAccountJson-error");
    await expect(fieldError).toHaveText(/^The service account key is not valid JSON: paste the whole key file downloaded from Google Cloud/);
    await expect(page.getByLabel("Service account key (JSON)")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("alert").filter({ hasText: "Some settings are not valid" })).toBeVisible();
    await expect(page.getByTestId("test-result")).toHaveCount(0);
    await captureScreen(page, "sources-01-sheets-malformed-key");

    await page.getByRole("button", { name: "Finish" }).click();
    await expect(fieldError).toContainText("not valid JSON");
    await expect(page.getByText("PRIVATE KEY")).toHaveCount(0);
    expect(new URL(page.url()).pathname).toBe(`/w/${slug}/connections/new`);

    await page.goto(`/w/${slug}/connections`);
    await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();
  });

  await test.step("the whole key: Test shows success, Finish opens the tested connection", async () => {
    await openNewSourceForm(page, slug, "Google Sheets", /^Google Sheets/, "New Google Sheets source");
    await page.getByLabel("Name", { exact: true }).fill("Customer sheet");
    await page.getByLabel("Spreadsheet URL").fill(spreadsheetUrl);
    await page.getByLabel(/^Sheet or range/).fill(sheet);
    await page.getByLabel("Service account key (JSON)").fill(keyJson);
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toHaveText(
      `Connection succeeded. Connected to spreadsheet "${SPREADSHEET_TITLE}": sheet "${sheet}" has 5 columns and 3 rows.`,
    );
    await captureScreen(page, "sources-02-sheets-tested");
    await page.getByRole("button", { name: "Finish" }).click();
    await expectConnectionPage(page, "Customer sheet");
  });

  await test.step("the source browser lists the sheet with typed columns and previews its rows", async () => {
    await expect(page.getByRole("list", { name: "Schemas" }).getByRole("button", { name: new RegExp(`^${SPREADSHEET_TITLE}`) })).toBeVisible();
    const { columnTypes, preview } = await browseTable(page, SPREADSHEET_TITLE, sheet);
    expect(columnTypes).toEqual(["email:string", "first_name:string", "plan:string", "lifetime_value:number", "signed_up_at:date"]);
    await expect(page.getByTestId("preview-count")).toHaveText("3 rows · 5 columns");
    expect(await readPreviewRows(preview)).toEqual([
      ["ada@example.com", "Ada", "pro", "1200.5", "2024-01-15T09:30:00.000Z"],
      ["grace@example.com", "Grace", "free", "0", "2024-02-01T12:00:00.000Z"],
      ["linus@example.com", "Linus", "team", "480", "2024-03-20T17:45:00.000Z"],
    ]);
    await captureScreen(page, "sources-03-sheets-browser");
  });

  await addCleverTapDestination(page, slug);

  let syncPath = "";
  await test.step("a Profile sync: email → User Identity, Email auto-matched, the other columns mapped", async () => {
    await startSync(page, slug, { source: "Customer sheet (Google Sheets)", table: `${SPREADSHEET_TITLE}.${sheet}`, destination: "CleverTap (CleverTap)", object: "Profile" });
    await expect(page.getByRole("table", { name: "Model preview" })).toContainText("grace@example.com");
    await expect(page.getByRole("radio", { name: /^Update or Create/ })).toBeChecked();
    await page.getByLabel("Source column", { exact: true }).selectOption("email");
    await expect(page.getByLabel("Profile identifier")).toHaveValue("identity");
    await expect.poll(() => readMappings(page)).toEqual(["email→Email:string"]);
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem").first()).toContainText("auto-matched");
    await addMapping(page, { column: "first_name", to: "First Name", type: "String" });
    await addMapping(page, { column: "plan", to: "Plan", type: "String" });
    await addMapping(page, { column: "lifetime_value", to: "Lifetime Value", type: "Number" });
    await addMapping(page, { column: "signed_up_at", to: "Signed Up", type: "Date" });
    await expect(page.getByRole("definition").filter({ hasText: "email → User Identity" })).toBeVisible();
    await captureScreen(page, "sources-04-sheets-sync-form");
    syncPath = await createSync(page, "Sheet customers to CleverTap");
  });

  await test.step("Run Sync Now: 3 profiles created with the sheet's values", async () => {
    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Succeeded");
    expect(run.counts).toMatchObject({ read: 3, created: 3, updated: 0, invalid: 0, rejected: 0 });
    await captureScreen(page, "sources-05-sheets-run");
    const profiles = await clevertapProfiles();
    expect(profiles.get("ada@example.com")?.profileData).toMatchObject({
      Email: "ada@example.com",
      "First Name": "Ada",
      Plan: "pro",
      "Lifetime Value": 1200.5,
      "Signed Up": clevertapDate("2024-01-15T09:30:00Z"),
    });
    expect(profiles.get("grace@example.com")?.profileData).toMatchObject({ Email: "grace@example.com", "First Name": "Grace", Plan: "free", "Lifetime Value": 0 });
    expect(profiles.get("linus@example.com")?.profileData).toMatchObject({
      "First Name": "Linus",
      Plan: "team",
      "Lifetime Value": 480,
      "Signed Up": clevertapDate("2024-03-20T17:45:00Z"),
    });
  });
});

test.describe("DuckDB over a CSV file", () => {
  let folder = "";
  let csvPath = "";
  const CSV_HEADER = "user_id,email,plan,score,joined_on";
  const rowsOf = (plan2: string) => [
    `${TAG}-d1,${TAG}-ada@example.com,pro,310.25,2025-01-15`,
    `${TAG}-d2,${TAG}-grace@example.com,${plan2},0,2025-02-01`,
    `${TAG}-d3,${TAG}-linus@example.com,team,72.5,2025-03-20`,
  ];
  const writeCsv = (rows: string[]) => writeFileSync(csvPath, `${[CSV_HEADER, ...rows].join("\n")}\n`);

  test.afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test("DuckDB / Parquet / CSV → CleverTap profiles, then one appended row and one changed value", async ({ page }) => {
    test.setTimeout(90_000);
    const { slug } = await signUpWithWorkspace(page, "sources-duckdb");
    folder = await workspaceFileFolder(page, slug);
    csvPath = join(folder, "customers.csv");
    writeCsv(rowsOf("free"));

    await test.step("+ New Source → DuckDB / Parquet / CSV in files mode: Test, Finish", async () => {
      await openNewSourceForm(page, slug, "CSV", /^DuckDB \/ Parquet \/ CSV/, "New DuckDB / Parquet / CSV source");
      await page.getByLabel("Name", { exact: true }).fill("Customer CSV");
      await page.getByLabel("Read from").selectOption({ label: "Parquet, CSV or JSON files" });
      await page.getByLabel(/^Files/).fill("customers.csv");
      await page.getByRole("button", { name: "Test", exact: true }).click();
      await expect(page.getByTestId("test-result")).toHaveText("Connection succeeded. DuckDB read customers.csv as table files.data with 5 columns.");
      await captureScreen(page, "sources-06-duckdb-tested");
      await page.getByRole("button", { name: "Finish" }).click();
      await expectConnectionPage(page, "Customer CSV");
    });

    await test.step("the source browser shows files.data with typed columns and the CSV's rows", async () => {
      const { columnTypes, preview } = await browseTable(page, "files", "data");
      expect(columnTypes).toEqual(["user_id:string", "email:string", "plan:string", "score:number", "joined_on:date"]);
      await expect(page.getByTestId("preview-count")).toHaveText("3 rows · 5 columns");
      const rows = await readPreviewRows(preview);
      expect(rows.map((r) => r.slice(0, 4))).toEqual([
        [`${TAG}-d1`, `${TAG}-ada@example.com`, "pro", "310.25"],
        [`${TAG}-d2`, `${TAG}-grace@example.com`, "free", "0"],
        [`${TAG}-d3`, `${TAG}-linus@example.com`, "team", "72.5"],
      ]);
      expect(rows[0]?.[4]).toMatch(/^2025-01-15/);
      await captureScreen(page, "sources-07-duckdb-browser");
    });

    await addCleverTapDestination(page, slug);

    let syncPath = "";
    await test.step("a Profile sync: user_id → User Identity, Email auto-matched, plan, score and joined_on mapped", async () => {
      await startSync(page, slug, { source: "Customer CSV (DuckDB / Parquet / CSV)", table: "files.data", destination: "CleverTap (CleverTap)", object: "Profile" });
      await expect(page.getByRole("table", { name: "Model preview" })).toContainText(`${TAG}-linus@example.com`);
      await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
      await expect.poll(() => readMappings(page)).toEqual(["email→Email:string"]);
      await addMapping(page, { column: "plan", to: "Plan", type: "String" });
      await addMapping(page, { column: "score", to: "Score", type: "Number" });
      await addMapping(page, { column: "joined_on", to: "Joined", type: "Date" });
      syncPath = await createSync(page, "CSV customers to CleverTap");
    });

    await test.step("Run Sync Now: 3 created, and the simulator holds the CSV's values", async () => {
      const run = await runSync(page, syncPath);
      expect(run.status).toBe("Succeeded");
      expect(run.counts).toMatchObject({ read: 3, created: 3, updated: 0, invalid: 0, rejected: 0 });
      const profiles = await clevertapProfiles();
      expect(profiles.get(`${TAG}-d1`)?.profileData).toEqual({ Email: `${TAG}-ada@example.com`, Plan: "pro", Score: 310.25, Joined: clevertapDate("2025-01-15T00:00:00Z") });
      expect(profiles.get(`${TAG}-d2`)?.profileData).toEqual({ Email: `${TAG}-grace@example.com`, Plan: "free", Score: 0, Joined: clevertapDate("2025-02-01T00:00:00Z") });
      expect(profiles.get(`${TAG}-d3`)?.profileData).toMatchObject({ Plan: "team", Score: 72.5 });
    });

    await test.step("one value changes and one row is appended: exactly 1 created and 1 updated", async () => {
      writeCsv(rowsOf("team"));
      appendFileSync(csvPath, `${TAG}-d4,${TAG}-alan@example.com,free,12,2025-04-01\n`);
      const run = await runSync(page, syncPath);
      expect(run.status).toBe("Succeeded");
      expect(run.counts).toMatchObject({ read: 4, created: 1, updated: 1, unchanged: 2, invalid: 0, rejected: 0 });
      await captureScreen(page, "sources-08-duckdb-second-run");
      const profiles = await clevertapProfiles();
      expect(profiles.get(`${TAG}-d2`)?.profileData).toMatchObject({ Plan: "team", Score: 0 });
      expect(profiles.get(`${TAG}-d4`)?.profileData).toEqual({ Email: `${TAG}-alan@example.com`, Plan: "free", Score: 12, Joined: clevertapDate("2025-04-01T00:00:00Z") });
      expect(profiles.get(`${TAG}-d1`)?.profileData).toMatchObject({ Plan: "pro" });
    });
  });
});

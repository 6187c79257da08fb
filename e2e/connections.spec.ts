/**
 * Connections, walked as the seed guides describe: "+ New Destination" → search → CleverTap → form →
 * Test → Finish (against the CleverTap simulator), "+ New Source" → PostgreSQL → Test → browse a
 * table; a wrong passcode; and a MEMBER who must not see credentials.
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { acceptInvitationAsNewUser, inviteMember, signUpWithWorkspace, uniqueEmail } from "./fixtures/session";

const CLEVERTAP_ACCOUNT_ID = "SIM-ACC-0001";
const CLEVERTAP_PASSCODE = "SIM-PASS-0001";
const WRONG_PASSCODE_MESSAGE = "CleverTap rejected the Account ID or Passcode for region US (us1)";

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_connections");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  await client.query(`
    CREATE TABLE public.customers (id integer PRIMARY KEY, email text NOT NULL, plan text, signed_up_at timestamptz);
    INSERT INTO public.customers VALUES
      (1, 'ada@example.com', 'pro', '2024-01-05T10:00:00Z'),
      (2, 'grace@example.com', 'free', '2024-02-11T08:30:00Z'),
      (3, 'linus@example.com', NULL, NULL);
  `);
  await client.end();
});

test.afterAll(async () => {
  await source?.drop();
});

/** Screens for people to look at (test-results is not committed). */
async function captureScreen(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** "+ New Destination" → search "CleverTap" → pick it: ends on the CleverTap form. */
async function openCleverTapForm(page: Page, slug: string) {
  await page.goto(`/w/${slug}/connections`);
  await page.getByRole("link", { name: "New Destination" }).click();
  await page.getByRole("searchbox", { name: "Search destinations" }).fill("CleverTap");
  const cards = page.getByRole("list", { name: "destinations you can add" }).getByRole("link");
  await expect(cards).toHaveCount(1);
  await cards.first().click();
  await expect(page.getByRole("heading", { name: "New CleverTap destination" })).toBeVisible();
}

/** After Finish: the new connection's own page (its id in the URL, not /new). */
async function waitForConnectionPage(page: Page, name: string) {
  await page.waitForURL(/\/connections\/(?!new)[^/?]+$/);
  await expect(page.getByRole("heading", { name, exact: true, level: 1 })).toBeVisible();
}

async function fillCleverTap(page: Page, passcode: string) {
  await page.getByLabel("Account ID").fill(CLEVERTAP_ACCOUNT_ID);
  await page.getByLabel("Passcode").fill(passcode);
  await page.getByLabel("Region").selectOption({ label: "United States" });
}

test("an admin adds CleverTap and PostgreSQL, tests both and browses a table", async ({ page }) => {
  const { slug } = await signUpWithWorkspace(page, "connections-admin");

  await test.step("the empty Connections page says what to do", async () => {
    await page.goto(`/w/${slug}/connections`);
    await expect(page.getByRole("heading", { name: "No destinations yet" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();
    await captureScreen(page, "01-connections-empty");
  });

  await test.step("the destination list is searchable", async () => {
    await page.getByRole("link", { name: "New Destination" }).click();
    await expect(page.getByRole("link", { name: /^Customer\.io/ })).toBeVisible();
    await captureScreen(page, "02-new-destination-types");
    await page.getByRole("searchbox", { name: "Search destinations" }).fill("CleverTap");
    await expect(page.getByRole("link", { name: /^Customer\.io/ })).toHaveCount(0);
    await captureScreen(page, "03-new-destination-search");
    await page.getByRole("link", { name: /^CleverTap/ }).click();
  });

  await test.step("empty fields and a wrong passcode are refused with specific messages", async () => {
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("CleverTap");
    await captureScreen(page, "04-clevertap-form");
    await page.getByRole("button", { name: "Finish" }).click();
    await expect(page.getByText("Enter the Account ID")).toBeVisible();
    await expect(page.getByText("Choose the region of your CleverTap project")).toBeVisible();
    await expect(page).toHaveURL(/\/connections\/new\?/);
    await captureScreen(page, "04b-clevertap-form-errors");
    await fillCleverTap(page, "SIM-PASS-WRONG");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText(WRONG_PASSCODE_MESSAGE);
    await captureScreen(page, "05-clevertap-wrong-passcode");
  });

  await test.step("the right passcode tests OK, and Finish creates the destination", async () => {
    await page.getByLabel("Passcode").fill(CLEVERTAP_PASSCODE);
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText("Connection succeeded");
    await captureScreen(page, "06-clevertap-test-ok");
    await page.getByRole("button", { name: "Finish" }).click();
    await waitForConnectionPage(page, "CleverTap");
    await expect(page.getByTestId("connection-status")).toContainText("Tested OK");
  });

  await test.step("the stored passcode stays hidden behind Replace; a rename keeps it", async () => {
    await expect(page.getByRole("button", { name: "Replace Passcode" })).toBeVisible();
    await expect(page.locator('input[type="password"]')).toHaveCount(0);
    await captureScreen(page, "07-clevertap-connection");
    await page.getByRole("button", { name: "Replace Passcode" }).click();
    await expect(page.getByLabel(/^Passcode/)).toHaveValue("");
    await page.getByRole("button", { name: "Keep the stored Passcode" }).click();
    await page.getByLabel("Name", { exact: true }).fill("CleverTap US");
    await page.getByLabel("Name", { exact: true }).press("Enter");
    await expect(page.getByRole("heading", { name: "CleverTap US", exact: true, level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText("Connection succeeded");
    await expect(page.getByTestId("connection-status")).toContainText("Tested OK");
  });

  await test.step("PostgreSQL: pick it, test it, finish", async () => {
    await page.goto(`/w/${slug}/connections`);
    await expect(page.getByTestId("connection-row-CleverTap US")).toContainText("Tested OK");
    await page.getByRole("link", { name: "New Source" }).click();
    await expect(page.getByRole("link", { name: /^Snowflake/ })).toContainText("Not verified in our test suite");
    await expect(page.getByRole("link", { name: /^PostgreSQL/ })).not.toContainText("Not verified");
    await captureScreen(page, "08-new-source-types");
    await page.getByRole("link", { name: /^PostgreSQL/ }).click();
    await page.getByLabel("Name", { exact: true }).fill("Analytics DB");
    await page.getByLabel("Connection URL").fill(source.url);
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText("Connection succeeded");
    await captureScreen(page, "09-postgres-form-tested");
    await page.getByRole("button", { name: "Finish" }).click();
    await waitForConnectionPage(page, "Analytics DB");
    await expect(page.getByTestId("connection-status")).toContainText("Tested OK");
  });

  await test.step("the source browser lists the table, its columns and its rows", async () => {
    await page.getByRole("button", { name: "customers", exact: true }).click();
    const columns = page.getByRole("list", { name: "Columns of customers" });
    await expect(columns).toContainText("signed_up_at");
    await expect(columns).toContainText("date");
    const preview = page.getByRole("table", { name: "Preview of public.customers" });
    await expect(preview).toContainText("grace@example.com");
    await expect(preview.getByRole("row")).toHaveCount(4);
    await captureScreen(page, "10-postgres-browser");
  });

  await test.step("a SQL preview shows rows, and the database's refusal of a write", async () => {
    await page.getByRole("tab", { name: "SQL query" }).click();
    await page.getByRole("textbox", { name: "SQL query" }).fill("select email, plan from customers where plan is not null order by id");
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("table", { name: "Preview of the SQL query" });
    await expect(preview).toContainText("ada@example.com");
    await expect(preview.getByRole("row")).toHaveCount(3);
    await page.getByRole("textbox", { name: "SQL query" }).fill("select nickname from customers");
    await page.getByRole("button", { name: "Preview" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "The database refused this preview" });
    await expect(refusal).toContainText('column "nickname" does not exist');
    await page.getByRole("textbox", { name: "SQL query" }).fill("delete from customers");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(refusal).toContainText("Models are read-only: only SELECT or WITH … SELECT queries are allowed, and this is a DELETE statement.");
    await captureScreen(page, "11-postgres-sql-refused");
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>("select count(*) as n from customers");
    await client.end();
    expect(Number(rows[0]?.n)).toBe(3);
  });

  await test.step("a stored configuration that fails its test shows why, on the page and in the list", async () => {
    await page.goto(`/w/${slug}/connections/new?kind=destination&type=customerio`);
    await page.getByLabel("Site ID").fill("sim-site");
    await page.getByLabel(/^API Key/).fill("not-the-key");
    // Finish after a failed Test asks first; Cancel keeps the form and creates nothing.
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText("Connection failed");
    await page.getByRole("button", { name: "Finish" }).click();
    const saveAnyway = page.getByRole("dialog", { name: "The test failed. Save anyway?" });
    await expect(saveAnyway).toBeVisible();
    await saveAnyway.getByRole("button", { name: "Cancel" }).click();
    await expect(saveAnyway).toBeHidden();
    await expect(page).toHaveURL(/\/connections\/new\?/);
    await page.getByRole("button", { name: "Finish" }).click();
    await saveAnyway.getByRole("button", { name: "Save anyway" }).click();
    await waitForConnectionPage(page, "Customer.io");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText("Connection failed");
    await expect(page.getByTestId("connection-status")).toContainText("Failed: ");
    await page.getByRole("link", { name: "Connections", exact: true }).first().click();
    await expect(page.getByTestId("connection-row-Customer.io")).toContainText("Failed: ");
    await captureScreen(page, "12a-connections-list-failed");
    await page.getByRole("link", { name: "Analytics DB" }).click();
    await waitForConnectionPage(page, "Analytics DB");
  });

  await test.step("an unused source can be deleted", async () => {
    const opener = page.getByRole("button", { name: "Delete Analytics DB" });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "Delete Analytics DB?" });
    await expect(dialog).toBeVisible();
    // Destructive confirmations start on Cancel; Escape closes and gives focus back to the opener.
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    await opener.click();
    await dialog.getByRole("button", { name: "Delete connection" }).click();
    await page.waitForURL(new RegExp(`/w/${slug}/connections$`));
    await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();
    await captureScreen(page, "12-connections-list");
  });
});

test("a MEMBER sees name, type and status but no credentials form", async ({ page, browser }) => {
  const { slug } = await signUpWithWorkspace(page, "connections-owner");
  await openCleverTapForm(page, slug);
  await fillCleverTap(page, CLEVERTAP_PASSCODE);
  await page.getByRole("button", { name: "Finish" }).click();
  await waitForConnectionPage(page, "CleverTap");
  const connectionUrl = new URL(page.url()).pathname;

  const memberEmail = uniqueEmail("connections-member");
  const invitationUrl = await inviteMember(page, slug, memberEmail, "Member");
  const memberContext = await browser.newContext();
  try {
    const memberPage = await memberContext.newPage();
    await acceptInvitationAsNewUser(memberPage, invitationUrl, memberEmail);

    await memberPage.goto(`/w/${slug}/connections`);
    await expect(memberPage.getByRole("link", { name: "CleverTap" })).toBeVisible();
    await expect(memberPage.getByRole("link", { name: "New Destination" })).toHaveCount(0);
    await expect(memberPage.getByRole("link", { name: "New Source" })).toHaveCount(0);
    await captureScreen(memberPage, "13-member-connections");

    await memberPage.goto(connectionUrl);
    await expect(memberPage.getByRole("heading", { name: "CleverTap", exact: true, level: 1 })).toBeVisible();
    await expect(memberPage.getByTestId("connection-type")).toContainText("CleverTap");
    await expect(memberPage.getByTestId("connection-status")).toContainText("Not tested");
    await expect(memberPage.getByText("Only admins can view or change credentials")).toBeVisible();
    await expect(memberPage.getByRole("form")).toHaveCount(0);
    await expect(memberPage.getByLabel("Account ID")).toHaveCount(0);
    await expect(memberPage.getByLabel("Passcode")).toHaveCount(0);
    await expect(memberPage.getByRole("button", { name: "Test", exact: true })).toHaveCount(0);
    await expect(memberPage.getByRole("button", { name: /Delete/ })).toHaveCount(0);
    await captureScreen(memberPage, "14-member-connection");

    await memberPage.goto(`/w/${slug}/connections/new?kind=destination&type=clevertap`);
    await expect(memberPage.getByText("Only admins can add connections")).toBeVisible();
    await expect(memberPage.getByLabel("Passcode")).toHaveCount(0);
  } finally {
    await memberContext.close();
  }
});

/**
 * Field-level control of bad values, in the browser against `next start` and the CleverTap simulator:
 * a sync of users whose phones are written the way people write them makes those rows invalid; adding
 * "Normalise phone to E.164 (default country GB)" to the Phone mapping sends them on the next run as
 * +442079460007; "Drop this field, send the rest" then sends the one row whose phone is garbage without
 * its phone, listed as a dropped field rather than an invalid row.
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { addCleverTapDestination, addPostgresSource, CLEVERTAP_SIM, runSync, startSync } from "./fixtures/sync-flows";
import { signUpWithWorkspace } from "./fixtures/session";

const clevertapUrl = () => process.env.E2E_CLEVERTAP_URL ?? "http://127.0.0.1:4010";

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_field_control");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE public.contacts (contact_id text PRIMARY KEY, email text NOT NULL, phone text);
      INSERT INTO public.contacts VALUES
        ('fc-1', 'ada@example.com', '+44 20 7946 0007'),
        ('fc-2', 'bob@example.com', '020 7946 0007'),
        ('fc-3', 'cy@example.com', '+14155552671'),
        ('fc-4', 'dee@example.com', 'garbage');
    `);
  } finally {
    await client.end();
  }
});

test.afterAll(async () => {
  await source?.drop();
});

async function simulatorPhones(): Promise<Record<string, unknown>> {
  const response = await fetch(`${clevertapUrl()}/__sim/records?accountId=${CLEVERTAP_SIM.accountId}`);
  expect(response.ok).toBe(true);
  const body = (await response.json()) as { profiles: { identity?: string; profileData: Record<string, unknown> }[] };
  return Object.fromEntries(body.profiles.filter((p) => p.identity?.startsWith("fc-")).map((p) => [p.identity!, p.profileData.Phone ?? null]));
}

/** The 1-based number of the mapping row that sends `field`. */
async function mappingNumber(page: Page, field: string): Promise<number> {
  const rows = page.getByRole("list", { name: "Field mappings" }).getByRole("listitem");
  // The edit form shows the mappings once the model's columns are read.
  await expect(rows).toHaveCount(2);
  const fields = await rows.evaluateAll((items) => items.map((item) => item.querySelector<HTMLInputElement>('input[aria-label$="destination field"]')?.value));
  const index = fields.indexOf(field);
  expect(index, `a mapping sends ${field}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

async function openMappingSettings(page: Page, n: number) {
  const toggle = page.getByRole("button", { name: `Mapping ${n}: settings` });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
}

async function saveChanges(page: Page, syncPath: string) {
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(new RegExp(`${syncPath}\\?saved=1$`));
}

test("the E.164 transform rescues phone rows that were invalid, and drop-field sends the rest of a row", async ({ page }) => {
  const { slug } = await signUpWithWorkspace(page, "field-control");
  await addPostgresSource(page, slug, "Contacts warehouse", source.url);
  await addCleverTapDestination(page, slug, "CleverTap phones");

  let syncPath = "";
  await test.step("a sync of contacts with the auto-matched Phone mapping, no transforms", async () => {
    await startSync(page, slug, { source: "Contacts warehouse (PostgreSQL)", table: "public.contacts", destination: "CleverTap phones (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("contact_id");
    await expect(page.getByRole("list", { name: "Field mappings" }).getByRole("listitem")).toHaveCount(2);
    const phone = await mappingNumber(page, "Phone");
    await openMappingSettings(page, phone);
    await expect(page.getByLabel("When a value is invalid")).toHaveValue("skip_row");
    await page.getByLabel("Sync name").fill("Contacts with phones");
    await page.getByRole("button", { name: "Create Sync" }).click();
    await page.waitForURL(/\/syncs\/(?!new)[^/?]+\?created=1$/);
    syncPath = new URL(page.url()).pathname;
  });

  await test.step("the first run finds three phones CleverTap would refuse: those rows are invalid", async () => {
    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Succeeded with invalid rows");
    expect(run.counts).toMatchObject({ read: 4, invalid: 3, created: 1 });
    const errors = page.getByRole("table", { name: "Record errors", exact: true });
    await expect(errors.getByRole("row")).toHaveCount(4);
    await expect(errors.getByRole("row", { name: /fc-1/ })).toContainText("must start with + and the country code");
    expect(await simulatorPhones()).toEqual({ "fc-3": "+14155552671" });
  });

  await test.step("Edit: normalise the Phone mapping to E.164 with default country GB", async () => {
    await page.goto(`${syncPath}/edit`);
    const phone = await mappingNumber(page, "Phone");
    await openMappingSettings(page, phone);
    await page.getByLabel(`Mapping ${phone}: normalise phone to E.164`).check();
    await page.getByLabel("Default country").selectOption("GB");
    const mappings = page.getByRole("region", { name: /Field Mappings/ });
    await mappings.scrollIntoViewIfNeeded();
    await mappings.screenshot({ path: "test-results/screenshots/field-control-mappings-1280.png" });
    await page.setViewportSize({ width: 390, height: 844 });
    await mappings.scrollIntoViewIfNeeded();
    const scrollsSideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    expect(scrollsSideways, "the mapping editor fits a 390 px screen").toBe(false);
    await mappings.screenshot({ path: "test-results/screenshots/field-control-mappings-390.png" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await saveChanges(page, syncPath);
  });

  await test.step("the rerun sends the rescued rows with E.164 phones; only the garbage phone stays invalid", async () => {
    const run = await runSync(page, syncPath);
    expect(run.counts).toMatchObject({ read: 4, invalid: 1, created: 2, unchanged: 1 });
    const errors = page.getByRole("table", { name: "Record errors", exact: true });
    await expect(errors.getByRole("row")).toHaveCount(2);
    await expect(errors.getByRole("row", { name: /fc-4/ })).toContainText("value 'garbage' in column phone is not a phone number");
    expect(await simulatorPhones()).toEqual({ "fc-1": "+442079460007", "fc-2": "+442079460007", "fc-3": "+14155552671" });
  });

  await test.step("Drop this field, send the rest: the last row goes out without its phone, listed as a dropped field", async () => {
    await page.goto(`${syncPath}/edit`);
    const phone = await mappingNumber(page, "Phone");
    await openMappingSettings(page, phone);
    // Keyboard only: the policy select is reachable and changeable without a pointer.
    await page.getByLabel("When a value is invalid").focus();
    await page.getByLabel("When a value is invalid").selectOption("drop_field");
    await expect(page.getByText("The row is sent without this field")).toBeVisible();
    await saveChanges(page, syncPath);

    const run = await runSync(page, syncPath);
    expect(run.status).toBe("Succeeded");
    expect(run.counts).toMatchObject({ read: 4, invalid: 0, created: 1, unchanged: 3 });
    await expect(page.getByTestId("count-fieldsDropped-value")).toHaveText("1");
    await page.getByRole("button", { name: /^Dropped fields/ }).click();
    const row = page.getByRole("table", { name: "Record errors", exact: true }).getByRole("row", { name: /fc-4/ });
    await expect(row).toContainText("Field dropped");
    await expect(row).toContainText("Phone");
    await expect(row).toContainText("value 'garbage' in column phone is not a phone number");
    await page.screenshot({ path: "test-results/screenshots/field-control-run-dropped-field.png", fullPage: true });
    expect(await simulatorPhones()).toEqual({ "fc-1": "+442079460007", "fc-2": "+442079460007", "fc-3": "+14155552671", "fc-4": null });
  });
});

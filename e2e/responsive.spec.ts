/**
 * Every workspace page at a 390 px phone and a 1280 px laptop: nothing scrolls sideways on the phone
 * (data tables scroll inside their own card), the sidebar is a "Menu" disclosure there that works from
 * the keyboard, and unknown workspaces and ids get the branded not-found page. Screenshots of each page
 * at both widths go to test-results/screenshots/ to be looked at.
 */
import { expect, test, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";
import { addCleverTapDestination, addPostgresSource, createSync, runSync, startSync } from "./fixtures/sync-flows";

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 900 };
const TAG = `r${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_responsive");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    // A long unbroken value and a row without a key, so the preview and the errors table have something wide.
    await client.query(`
      CREATE TABLE public.customers (user_id text, email text, plan text, favourite_quote text, signed_up_at timestamptz);
      INSERT INTO public.customers VALUES
        ('${TAG}-1', '${TAG}-ada@example.com', 'pro', 'It-is-a-capital-mistake-to-theorize-before-one-has-data-insensibly-one-begins-to-twist-facts', '2025-01-15T09:00:00Z'),
        ('${TAG}-2', '${TAG}-grace@example.com', 'free', 'The most dangerous phrase in the language is we have always done it this way', '2025-02-01T10:30:00Z'),
        (NULL, '${TAG}-nokey@example.com', 'team', 'No key here', '2025-03-01T11:45:00Z');
    `);
  } finally {
    await client.end();
  }
});

test.afterAll(async () => {
  await source?.drop();
});

/** Waits until the page has its heading and no loading placeholder is left. */
async function waitForPage(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

async function expectNoSidewaysScroll(page: Page, name: string) {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    // The elements that reach past the right edge, so a failure says what to fix.
    const widest = [...document.body.querySelectorAll("*")]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .filter(({ right }) => right > window.innerWidth + 0.5)
      .slice(-5)
      .map(({ el, right }) => `${el.tagName.toLowerCase()}.${el.className} → ${Math.round(right)}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, widest };
  });
  expect(scrollWidth, `${name} is ${scrollWidth} px wide at ${innerWidth} px: ${widest.join("; ")}`).toBeLessThanOrEqual(innerWidth);
}

async function shoot(page: Page, name: string, width: number) {
  await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
}

/** Opens `path` at 390 and 1280 px: no sideways scroll on the phone, a screenshot at both widths. */
async function checkPage(page: Page, name: string, path: string, ready: (page: Page) => Promise<void> = waitForPage) {
  await page.setViewportSize(PHONE);
  await page.goto(path);
  await ready(page);
  await expectNoSidewaysScroll(page, name);
  await shoot(page, name, PHONE.width);
  await page.setViewportSize(LAPTOP);
  await page.goto(path);
  await ready(page);
  await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
  await shoot(page, name, LAPTOP.width);
}

test("every page fits a 390 px phone, with the sidebar behind a keyboard-friendly menu", async ({ page }) => {
  test.setTimeout(240_000);
  for (const [name, path] of [
    ["sign-in", "/sign-in"],
    ["sign-up", "/sign-up"],
  ] as const) {
    await page.setViewportSize(PHONE);
    await page.goto(path);
    await waitForPage(page);
    await expectNoSidewaysScroll(page, name);
    await shoot(page, name, PHONE.width);
    await page.setViewportSize(LAPTOP);
    await page.reload();
    await shoot(page, name, LAPTOP.width);
  }
  await page.setViewportSize(LAPTOP);
  const { slug } = await signUpWithWorkspace(page, "responsive");
  const base = `/w/${slug}`;

  await addPostgresSource(page, slug, "Warehouse", source.url);
  await addCleverTapDestination(page, slug);
  const connectionPath = new URL(page.url()).pathname;
  await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.customers", destination: "CleverTap (CleverTap)", object: "Profile" });
  await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
  const syncPath = await createSync(page, "Customers to CleverTap");
  const run = await runSync(page, syncPath);
  expect(run.counts).toMatchObject({ read: 3, invalid: 1 });
  const runPath = new URL(page.url()).pathname;

  await test.step("each page at 390 and 1280 px", async () => {
    await checkPage(page, "overview", base);
    await checkPage(page, "connections", `${base}/connections`);
    await checkPage(page, "connection", connectionPath);
    await checkPage(page, "new-connection-catalog", `${base}/connections/new?kind=source`);
    await checkPage(page, "new-connection-form", `${base}/connections/new?kind=destination&type=clevertap`);
    await checkPage(page, "syncs", `${base}/syncs`);
    await checkPage(page, "sync", syncPath);
    await checkPage(page, "sync-edit", `${syncPath}/edit`, async (p) => {
      await waitForPage(p);
      await expect(p.getByRole("table", { name: "Model preview" })).toBeVisible();
    });
    await checkPage(page, "run", runPath, async (p) => {
      await waitForPage(p);
      await expect(p.getByRole("table", { name: "Record errors", exact: true })).toBeVisible();
    });
    await checkPage(page, "members", `${base}/members`);
    await checkPage(page, "settings", `${base}/settings`);
    await checkPage(page, "new-sync", `${base}/syncs/new`);
  });

  await test.step("the new-sync form filled in, on the phone", async () => {
    await page.setViewportSize(PHONE);
    await startSync(page, slug, { source: "Warehouse (PostgreSQL)", table: "public.customers", destination: "CleverTap (CleverTap)", object: "Profile" });
    await page.getByLabel("Source column", { exact: true }).selectOption("user_id");
    await expectNoSidewaysScroll(page, "new sync form, filled in");
    // The preview is wider than the phone: it scrolls inside its card instead of the page.
    const preview = page.getByRole("table", { name: "Model preview" });
    const tableWidth = await preview.evaluate((t) => t.scrollWidth);
    expect(tableWidth).toBeGreaterThan(PHONE.width);
    await shoot(page, "new-sync-filled", PHONE.width);
  });

  await test.step("on the phone the sidebar is a Menu button: Enter opens, Escape closes and focus returns", async () => {
    await page.setViewportSize(PHONE);
    await page.goto(syncPath);
    await waitForPage(page);
    const nav = page.getByRole("navigation", { name: "Workspace" });
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    const controls = await menu.getAttribute("aria-controls");
    expect(controls).toBeTruthy();

    await menu.focus();
    await page.keyboard.press("Enter");
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(nav).toBeVisible();
    await expect(page.locator(`#${controls}`)).toContainText("Syncs");
    // The next Tab goes into the drawer, not to the page behind it.
    await page.keyboard.press("Tab");
    expect(await page.evaluate((id) => !!document.activeElement?.closest(`#${id}`), controls)).toBe(true);
    await expectNoSidewaysScroll(page, "open menu");
    await shoot(page, "menu-open", PHONE.width);
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();

    await page.keyboard.press("Enter");
    await expect(nav).toBeVisible();
    await nav.getByRole("link", { name: "Connections" }).click();
    await page.waitForURL(new RegExp(`${base}/connections$`));
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });

  await test.step("on the laptop the sidebar is always there and the Menu button is not", async () => {
    await page.setViewportSize(LAPTOP);
    await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  });

  await test.step("unknown ids inside the workspace get the not-found page in the workspace's shell", async () => {
    const runId = runPath.split("/").pop()!;
    for (const [name, path] of [
      ["connection", `${base}/connections/no-such-connection`],
      ["sync", `${base}/syncs/no-such-sync`],
      ["sync-edit", `${base}/syncs/no-such-sync/edit`],
      ["run", `${syncPath}/runs/no-such-run`],
      ["run-of-another-sync", `${base}/syncs/no-such-sync/runs/${runId}`],
    ] as const) {
      const response = await page.goto(path);
      expect(response?.status(), name).toBe(404);
      await expect(page.getByRole("heading", { name: "This page does not exist in this workspace", level: 1 })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
    }
    await shoot(page, "not-found-in-workspace", LAPTOP.width);
    await page.setViewportSize(PHONE);
    await page.reload();
    await expectNoSidewaysScroll(page, "not found in a workspace");
    await shoot(page, "not-found-in-workspace", PHONE.width);
  });

  await test.step("an unknown workspace gets the branded not-found page", async () => {
    const response = await page.goto("/w/no-such-workspace-anywhere");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "There is nothing at this address", level: 1 })).toBeVisible();
    await expectNoSidewaysScroll(page, "not found");
    await shoot(page, "not-found", PHONE.width);
    await page.setViewportSize(LAPTOP);
    await page.reload();
    await shoot(page, "not-found", LAPTOP.width);
    await page.getByRole("link", { name: "Go to my workspaces" }).click();
    await page.waitForURL(new RegExp(`${base}$`));
  });

  await test.step("the favicon is served", async () => {
    const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
    expect(icon).toContain("/icon.svg");
    const response = await page.request.get(icon!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("image/svg+xml");
  });
});

/**
 * `npm run demo`, as a new user meets it: the command starts the sandboxes and the app, prints how to sign
 * in, and the Demo workspace's ready CleverTap profile sync runs to "20 of 20 verified". The command runs
 * for real (scripts/demo.sh), reusing this checkout's install and build, on ports and a data folder of
 * its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

const portBase = Number(process.env.E2E_PORT_BASE ?? 0);
const appPort = 3160 + portBase;
const demoUrl = `http://localhost:${appPort}`;

let demo: ChildProcess | undefined;
let demoDir = "";
let output = "";

test.beforeAll(async () => {
  test.setTimeout(240_000);
  demoDir = mkdtempSync(join(tmpdir(), "tidewater-demo-"));
  demo = spawn("bash", ["scripts/demo.sh"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DEMO_SKIP_INSTALL: "1",
      DEMO_SKIP_BUILD: "1",
      DEMO_DIR: demoDir,
      PORT: String(appPort),
      DEMO_CLEVERTAP_PORT: String(4060 + portBase),
      DEMO_CUSTOMERIO_PORT: String(4070 + portBase),
      DATABASE_URL: "",
      AUTH_SECRET: "",
      ENCRYPTION_KEY: "",
      NEXTAUTH_URL: "",
      DATA_DIR: "",
      FILE_SOURCES_DIR: "",
    },
  });
  demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 230_000, intervals: [1_000] }).toContain("Tidewater demo is ready");
});

test.afterAll(async () => {
  if (demo?.pid) {
    try {
      process.kill(-demo.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (demoDir) rmSync(demoDir, { recursive: true, force: true });
});

test("npm run demo: from the command to a verified CleverTap sync", async ({ page }) => {
  const email = /Sign in as\s+(\S+)/.exec(output)?.[1];
  const password = /Password\s+(\S+)/.exec(output)?.[1];
  const syncsUrl = /demo is ready: (\S+)/.exec(output)?.[1];
  expect(email, output).toBeTruthy();
  expect(password).toBeTruthy();
  expect(syncsUrl).toMatch(new RegExp(`^${demoUrl}/w/[^/]+/syncs$`));

  await page.goto(`${demoUrl}/sign-in`);
  await page.getByLabel("Email").fill(email!);
  await page.getByLabel("Password").fill(password!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));

  await page.goto(syncsUrl!);
  for (const name of ["Users → CleverTap profiles", "App events → CleverTap events", "Users → Customer.io people", "Purchases → Customer.io events"]) {
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await page.screenshot({ path: "test-results/screenshots/demo-syncs-1280.png", fullPage: true });

  const connections = syncsUrl!.replace(/\/syncs$/, "/connections");
  await page.goto(connections);
  for (const name of ["Sample warehouse", "CleverTap sandbox", "Customer.io sandbox"]) await expect(page.getByText(name, { exact: true }).first()).toBeVisible();

  await page.goto(syncsUrl!);
  await page.getByRole("link", { name: "Users → CleverTap profiles", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Users → CleverTap profiles", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Run Sync Now" }).click();
  await page.waitForURL(/\/runs\/[^/?]+/);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText(/Succeeded|Failed|Cancelled/, { timeout: 90_000 });
  await expect(heading).not.toContainText("Failed");
  const read = Number((await page.getByTestId("count-read-value").textContent())?.replaceAll(",", ""));
  expect(read).toBe(3002);

  const summary = page.getByTestId("verification-summary");
  await expect(async () => {
    if (!(await summary.isVisible())) await page.reload();
    await expect(summary).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000, intervals: [500, 1_000, 2_000] });
  await expect(summary).toHaveText("20 of 20 verified");
  await page.screenshot({ path: "test-results/screenshots/demo-run-1280.png" });
});

/**
 * Browser tests against the production build (`next build` first; scripts/test.sh does). Playwright
 * starts `next start` on a fresh embedded data folder, pointed at the CleverTap, Customer.io and
 * Google Sheets simulators that e2e/global-setup.ts runs in-process. Chromium is Debian's: Playwright's
 * own browser download is not available here.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

// Ports can be moved (E2E_PORT_BASE) so two checkouts can run their browser tests side by side.
const portBase = Number(process.env.E2E_PORT_BASE ?? 0);
const appPort = 3100 + portBase;
const baseURL = `http://localhost:${appPort}`;
const simulatorUrls = {
  clevertap: `http://127.0.0.1:${4010 + portBase}`,
  customerio: `http://127.0.0.1:${4020 + portBase}`,
  googleSheets: `http://127.0.0.1:${4030 + portBase}`,
};
// e2e/alerts.spec.ts runs an SMTP server here; the app sends alert e-mail to it.
const smtpPort = 4040 + portBase;

// Workers evaluate this file again and inherit the runner's environment, so only the first evaluation
// empties the folder; every process then agrees on one path.
const dataDir = process.env.E2E_DATA_DIR ?? fileURLToPath(new URL(`./.test-data/e2e-data${portBase ? `-${portBase}` : ""}`, import.meta.url));
// The server's stdout and stderr, so specs can scan what it logged (e2e/security-redact.spec.ts).
const serverLog = process.env.E2E_SERVER_LOG ?? fileURLToPath(new URL(`./.test-data/e2e-server${portBase ? `-${portBase}` : ""}.log`, import.meta.url));
if (!process.env.E2E_DATA_DIR) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(serverLog, "");
  process.env.E2E_DATA_DIR = dataDir;
  process.env.E2E_SERVER_LOG = serverLog;
}
// File sources read only from here: a sibling of the data folder, never inside it (env.js refuses that).
const fileSourcesDir = process.env.E2E_FILE_SOURCES_DIR ?? fileURLToPath(new URL(`./.test-data/e2e-files${portBase ? `-${portBase}` : ""}`, import.meta.url));
if (!process.env.E2E_FILE_SOURCES_DIR) {
  rmSync(fileSourcesDir, { recursive: true, force: true });
  mkdirSync(fileSourcesDir, { recursive: true });
  process.env.E2E_FILE_SOURCES_DIR = fileSourcesDir;
}
/** Small enough that the upload limit is cheap to test. */
process.env.E2E_FILE_UPLOAD_MAX_BYTES = String(4 * 1024 * 1024);
process.env.E2E_BASE_URL = baseURL;
process.env.E2E_CLEVERTAP_URL = simulatorUrls.clevertap;
process.env.E2E_CUSTOMERIO_URL = simulatorUrls.customerio;
process.env.E2E_GOOGLE_SHEETS_URL = simulatorUrls.googleSheets;
process.env.E2E_SMTP_PORT = String(smtpPort);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/playwright",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL,
    browserName: "chromium",
    trace: "retain-on-failure",
    // Video needs Playwright's own ffmpeg download, which cannot be fetched here; the trace has screenshots.
    video: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // No network here but loopback: Chromium's background services would only fail, slowly.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    command: `npx --no-install next start -p ${appPort} 2>&1 | tee -a '${serverLog}'`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      DATA_DIR: dataDir,
      FILE_SOURCES_DIR: fileSourcesDir,
      FILE_UPLOAD_MAX_BYTES: process.env.E2E_FILE_UPLOAD_MAX_BYTES,
      // Empty values win over a developer's own settings: the embedded database and fresh secrets.
      DATABASE_URL: "",
      AUTH_SECRET: "",
      ENCRYPTION_KEY: "",
      ENCRYPTION_KEY_PREVIOUS: "",
      NEXTAUTH_URL: baseURL,
      CLEVERTAP_API_BASE_URL: simulatorUrls.clevertap,
      CUSTOMERIO_TRACK_BASE_URL: simulatorUrls.customerio,
      CUSTOMERIO_APP_BASE_URL: simulatorUrls.customerio,
      GOOGLE_SHEETS_API_BASE_URL: simulatorUrls.googleSheets,
      GOOGLE_OAUTH_TOKEN_URL: `${simulatorUrls.googleSheets}/token`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      ALERT_EMAIL_FROM: "alerts@tidewater.test",
      // e2e/alerts.spec.ts receives its webhooks on 127.0.0.1.
      ALERT_WEBHOOK_ALLOW_PRIVATE: "true",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
  },
});

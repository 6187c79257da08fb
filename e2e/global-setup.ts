/**
 * Starts the simulators in the Playwright runner's process (the app server is Playwright's webServer,
 * see playwright.config.ts) and tells the specs where everything is: through process.env, which the
 * workers inherit, and through test-results/e2e-env.json for anything that runs outside them.
 * The returned function is Playwright's teardown for what this starts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type E2eEnvironment = {
  baseURL: string;
  dataDir: string;
  clevertapUrl: string;
  customerioUrl: string;
  googleSheetsUrl: string;
  googleServiceAccountKeyFile: string;
  googleSpreadsheetId: string;
  googleSheetTitle: string;
  testPgUrl?: string;
  testMysqlUrl?: string;
};

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`e2e global setup: ${name} is not set; run the browser tests with playwright.config.ts`);
  return value;
}

function portOf(name: string): number {
  return Number(new URL(requireEnv(name)).port);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  let simulatorsModule: typeof import("./simulators/start");
  try {
    simulatorsModule = await import("./simulators/start");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      "e2e global setup: could not load the simulators (e2e/simulators/start.ts and the clevertap, customerio " +
        `and google-sheets server.ts files it imports): ${reason}`,
    );
  }

  const resultsDir = fileURLToPath(new URL("../test-results/", import.meta.url));
  const keyFile = `${resultsDir}e2e-google-service-account.json`;
  const simulators = await simulatorsModule.startAllSimulators({
    ports: {
      clevertap: portOf("E2E_CLEVERTAP_URL"),
      customerio: portOf("E2E_CUSTOMERIO_URL"),
      googleSheets: portOf("E2E_GOOGLE_SHEETS_URL"),
    },
    googleServiceAccountKeyFile: keyFile,
  });

  const environment: E2eEnvironment = {
    baseURL: requireEnv("E2E_BASE_URL"),
    dataDir: requireEnv("E2E_DATA_DIR"),
    clevertapUrl: simulators.clevertap.url,
    customerioUrl: simulators.customerio.url,
    googleSheetsUrl: simulators.googleSheets.url,
    googleServiceAccountKeyFile: keyFile,
    googleSpreadsheetId: simulatorsModule.SIM_SPREADSHEET_ID,
    googleSheetTitle: simulatorsModule.SIM_SHEET_TITLE,
    testPgUrl: process.env.TEST_PG_URL,
    testMysqlUrl: process.env.TEST_MYSQL_URL,
  };
  process.env.E2E_GOOGLE_SERVICE_ACCOUNT_FILE = keyFile;
  process.env.E2E_GOOGLE_SPREADSHEET_ID = environment.googleSpreadsheetId;
  process.env.E2E_GOOGLE_SHEET_TITLE = environment.googleSheetTitle;
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}e2e-env.json`, `${JSON.stringify(environment, null, 2)}\n`);

  return () => simulators.close();
}

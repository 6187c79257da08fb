/**
 * Runs the CleverTap, Customer.io and Google Sheets simulators together: `npm run simulators` for trying
 * the product by hand, and e2e/global-setup.ts for the browser tests.
 *
 * The Google Sheets simulator is driven only in-process, so one service account and one spreadsheet are
 * registered here; the account's JSON key is written to a file that a person or a browser test uploads.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "./clevertap/server";
import {
  CUSTOMERIO_SIM_API_KEY,
  CUSTOMERIO_SIM_APP_API_KEY,
  CUSTOMERIO_SIM_SITE_ID,
  startCustomerioSimulator,
  type CustomerioSimulator,
} from "./customerio/server";
import { createTestServiceAccount, startGoogleSheetsSimulator, type GoogleSheetsSimulator } from "./google-sheets/server";

export type SimulatorPorts = { clevertap: number; customerio: number; googleSheets: number };

export type RunningSimulators = {
  clevertap: ClevertapSimulator;
  customerio: CustomerioSimulator;
  googleSheets: GoogleSheetsSimulator;
  close(): Promise<void>;
};

export const SIM_GOOGLE_CLIENT_EMAIL = "tidewater-sim@test-project.iam.gserviceaccount.com";
export const SIM_SPREADSHEET_ID = "sim-spreadsheet-0001";
export const SIM_SHEET_TITLE = "Customers";
const SIM_SHEET_ROWS = [
  ["email", "first_name", "plan", "lifetime_value", "signed_up_at"],
  ["ada@example.com", "Ada", "pro", "1200.50", "2024-01-15T09:30:00Z"],
  ["grace@example.com", "Grace", "free", "0", "2024-02-01T12:00:00Z"],
  ["linus@example.com", "Linus", "team", "480", "2024-03-20T17:45:00Z"],
];

/** Starts all three on the given ports; when one fails to start, the ones already running are closed. */
export async function startAllSimulators(options: {
  ports: SimulatorPorts;
  googleServiceAccountKeyFile: string;
  /** Customer.io Track API requests per second before 429 (default 100; 0 turns the limit off). */
  customerioTrackRateLimit?: number;
}): Promise<RunningSimulators> {
  const started: { close(): Promise<void> }[] = [];
  const closeStarted = async () => {
    await Promise.allSettled(started.map((s) => s.close()));
  };
  try {
    const clevertap = await startClevertapSimulator({ port: options.ports.clevertap });
    started.push(clevertap);
    const customerio = await startCustomerioSimulator({ port: options.ports.customerio, trackRateLimitPerSecond: options.customerioTrackRateLimit });
    started.push(customerio);
    const googleSheets = await startGoogleSheetsSimulator({ port: options.ports.googleSheets });
    started.push(googleSheets);

    const account = createTestServiceAccount(SIM_GOOGLE_CLIENT_EMAIL);
    googleSheets.addServiceAccount(account.clientEmail, account.publicKeyPem);
    googleSheets.setSheet(SIM_SPREADSHEET_ID, SIM_SHEET_TITLE, SIM_SHEET_ROWS);
    googleSheets.setSpreadsheetTitle(SIM_SPREADSHEET_ID, "Tidewater demo customers");
    mkdirSync(dirname(options.googleServiceAccountKeyFile), { recursive: true });
    writeFileSync(options.googleServiceAccountKeyFile, account.json, { mode: 0o600 });

    return { clevertap, customerio, googleSheets, close: closeStarted };
  } catch (error) {
    await closeStarted();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Starting the simulators on ports ${Object.values(options.ports).join(", ")} failed: ${reason}`);
  }
}

function readPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable} must be a port number between 1 and 65535, got "${raw}"`);
  }
  return port;
}

function readCount(variable: string): number | undefined {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return undefined;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) throw new Error(`${variable} must be a whole number (0 turns the limit off), got "${raw}"`);
  return count;
}

async function runSimulators(): Promise<void> {
  const keyFile = fileURLToPath(new URL("../../.test-data/simulators/google-service-account.json", import.meta.url));
  const sims = await startAllSimulators({
    ports: {
      clevertap: readPort("CLEVERTAP_SIM_PORT", 4010),
      customerio: readPort("CUSTOMERIO_SIM_PORT", 4020),
      googleSheets: readPort("GOOGLE_SHEETS_SIM_PORT", 4030),
    },
    googleServiceAccountKeyFile: keyFile,
    customerioTrackRateLimit: readCount("CUSTOMERIO_SIM_TRACK_RATE_LIMIT"),
  });

  console.log(
    [
      "Simulators running (Ctrl-C to stop). Start the app with these variables to use them:",
      `  CLEVERTAP_API_BASE_URL=${sims.clevertap.url}`,
      `  CUSTOMERIO_TRACK_BASE_URL=${sims.customerio.url} CUSTOMERIO_APP_BASE_URL=${sims.customerio.url}`,
      `  GOOGLE_SHEETS_API_BASE_URL=${sims.googleSheets.url} GOOGLE_OAUTH_TOKEN_URL=${sims.googleSheets.tokenUrl}`,
      "",
      `CleverTap      ${sims.clevertap.url}   Account ID ${SIM_ACCOUNT_ID}, passcode ${SIM_PASSCODE}`,
      `Customer.io    ${sims.customerio.url}   site ID ${CUSTOMERIO_SIM_SITE_ID}, Track API key ${CUSTOMERIO_SIM_API_KEY}, App API key ${CUSTOMERIO_SIM_APP_API_KEY}`,
      `Google Sheets  ${sims.googleSheets.url}   service account key file ${keyFile}`,
      `               spreadsheet ${SIM_SPREADSHEET_ID}, sheet "${SIM_SHEET_TITLE}" (${SIM_SHEET_ROWS.length - 1} rows)`,
    ].join("\n"),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the simulators`);
    sims.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  runSimulators().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

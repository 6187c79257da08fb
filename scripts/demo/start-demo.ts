/**
 * `npm run demo` (after scripts/demo.sh installed and built): starts the CleverTap and Customer.io
 * simulators as the demo's sandboxes, seeds the Demo workspace, then runs `next start` pointed at the
 * sandboxes. The demo keeps its data in ./.demo, apart from a real installation's ./.data.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

function readPort(variable: string, fallback: number): number {
  const raw = process.env[variable];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable} must be a port number between 1 and 65535, got "${raw}"`);
  return port;
}

const appPort = readPort("PORT", 3000);
const clevertapPort = readPort("DEMO_CLEVERTAP_PORT", 4010);
const customerioPort = readPort("DEMO_CUSTOMERIO_PORT", 4020);
const demoRoot = resolve(process.env.DEMO_DIR || ".demo");
const email = process.env.DEMO_EMAIL || "demo@example.com";
const password = process.env.DEMO_PASSWORD || "Sandbox-Sync-2026";

// Set before any app module reads its configuration (env.js parses process.env on import).
const appEnv: Record<string, string> = {
  DATA_DIR: process.env.DATA_DIR || resolve(demoRoot, "data"),
  FILE_SOURCES_DIR: process.env.FILE_SOURCES_DIR || resolve(demoRoot, "file-sources"),
  CLEVERTAP_API_BASE_URL: `http://127.0.0.1:${clevertapPort}`,
  CUSTOMERIO_TRACK_BASE_URL: `http://127.0.0.1:${customerioPort}`,
  CUSTOMERIO_APP_BASE_URL: `http://127.0.0.1:${customerioPort}`,
  NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://localhost:${appPort}`,
};
Object.assign(process.env, appEnv);

const { startClevertapSimulator } = await import("~/e2e/simulators/clevertap/server");
const { startCustomerioSimulator } = await import("~/e2e/simulators/customerio/server");
const { closeDb } = await import("~/server/db/client");
const { seedDemoWorkspace } = await import("./seed-demo-workspace");

const clevertap = await startClevertapSimulator({ port: clevertapPort });
const customerio = await startCustomerioSimulator({ port: customerioPort });
const { workspaceSlug } = await seedDemoWorkspace({ email, password });
// The embedded database admits one process at a time: release it before the app opens it.
await closeDb();

const app = spawn("npx", ["--no-install", "next", "start", "-p", String(appPort)], { stdio: ["ignore", "inherit", "inherit"], env: process.env });

async function stop(code: number) {
  app.kill("SIGTERM");
  await Promise.allSettled([clevertap.close(), customerio.close()]);
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
app.on("exit", (code) => void stop(code ?? 1));

const base = `http://localhost:${appPort}`;
for (let attempt = 0; attempt < 240; attempt++) {
  const up = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
  if (up) break;
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`
==== Tidewater demo is ready: ${base}/w/${workspaceSlug}/syncs
  Sign in as   ${email}
  Password     ${password}
  Sandboxes    CleverTap on :${clevertapPort}, Customer.io on :${customerioPort} (local simulators: nothing leaves this machine)
  Try          open "Users → CleverTap profiles", press Run Sync Now, and watch it verify the profiles it sent.
  Data         ${demoRoot} (delete it to start over). Ctrl-C stops everything.
`);

/**
 * Seeds the demo: a user, a "Demo" workspace holding the sample warehouse (built into a DuckDB file in
 * the workspace's file folder from demo/sample-warehouse/*.parquet), a CleverTap and a Customer.io
 * sandbox (the simulators `start-demo.ts` runs), and one ready sync of each destination object.
 * Running it again keeps what exists, so a demo that was played with is not reset.
 */
import { existsSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { SIM_ACCOUNT_ID, SIM_PASSCODE } from "~/e2e/simulators/clevertap/server";
import { CUSTOMERIO_SIM_API_KEY, CUSTOMERIO_SIM_APP_API_KEY, CUSTOMERIO_SIM_SITE_ID } from "~/e2e/simulators/customerio/server";
import { getDb } from "~/server/db/client";
import { createConnection } from "~/server/services/connections/create-connection";
import { getWorkspaceFileFolder } from "~/server/services/file-sources/workspace-file-folder";
import { createSync } from "~/server/services/syncs/create-sync";
import { bootstrapWorkspace } from "~/server/services/workspaces/bootstrap-workspace";

const SAMPLE_DIR = fileURLToPath(new URL("../../demo/sample-warehouse/", import.meta.url));
const WAREHOUSE_FILE = "sample-warehouse.duckdb";
const TABLES = ["users", "purchases", "app_events"] as const;

export const DEMO_WORKSPACE = "Demo";
export const DEMO_CONNECTIONS = { warehouse: "Sample warehouse", clevertap: "CleverTap sandbox", customerio: "Customer.io sandbox" } as const;

/** Copies the Parquet files into one DuckDB database, which the DuckDB source opens read-only. */
async function buildWarehouseFile(folder: string): Promise<void> {
  const target = join(folder, WAREHOUSE_FILE);
  if (existsSync(target)) return;
  const instance = await DuckDBInstance.create(`${target}.tmp`);
  const connection = await instance.connect();
  try {
    for (const table of TABLES) {
      await connection.run(`CREATE TABLE main.${table} AS SELECT * FROM read_parquet('${join(SAMPLE_DIR, `${table}.parquet`)}')`);
    }
    await connection.run("CHECKPOINT");
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  await rename(`${target}.tmp`, target);
}

function demoSyncs(ids: { warehouse: string; clevertap: string; customerio: string }) {
  const manual = { type: "manual" } as const;
  const users = { type: "table", schema: "main", table: "users" } as const;
  return [
    {
      name: "Users → CleverTap profiles",
      sourceId: ids.warehouse,
      destinationId: ids.clevertap,
      model: users,
      object: "profile",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "identity" },
      mappings: [
        { from: { column: "name" }, to: "Name", type: "string" },
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "phone" }, to: "Phone", type: "string" },
        { from: { column: "gender" }, to: "Gender", type: "string" },
        { from: { column: "email_opt_in" }, to: "MSG-email", type: "boolean" },
        { from: { column: "plan" }, to: "Plan", type: "string" },
        { from: { column: "city" }, to: "City", type: "string" },
        { from: { column: "lifetime_value" }, to: "Lifetime Value", type: "number" },
      ],
      schedule: manual,
    },
    {
      name: "App events → CleverTap events",
      sourceId: ids.warehouse,
      destinationId: ids.clevertap,
      model: { type: "table", schema: "main", table: "app_events" },
      object: "event",
      behavior: "append",
      syncKey: { column: "event_id" },
      mappings: [
        { from: { column: "platform" }, to: "Platform", type: "string" },
        { from: { column: "app_version" }, to: "App Version", type: "string" },
      ],
      event: { name: { column: "event_name" }, identityColumn: "user_id", identifier: "identity", timestampColumn: "occurred_at" },
      schedule: manual,
    },
    {
      name: "Users → Customer.io people",
      sourceId: ids.warehouse,
      destinationId: ids.customerio,
      model: users,
      object: "person",
      behavior: "upsert",
      syncKey: { column: "user_id", identifier: "id" },
      mappings: [
        { from: { column: "email" }, to: "email", type: "string" },
        { from: { column: "name" }, to: "name", type: "string" },
        { from: { column: "plan" }, to: "plan", type: "string" },
        { from: { column: "lifetime_value" }, to: "lifetime_value", type: "number" },
        { from: { column: "signed_up_at" }, to: "created_at", type: "date" },
      ],
      schedule: manual,
    },
    {
      name: "Purchases → Customer.io events",
      sourceId: ids.warehouse,
      destinationId: ids.customerio,
      model: { type: "table", schema: "main", table: "purchases" },
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      mappings: [
        { from: { column: "amount" }, to: "amount", type: "number" },
        { from: { column: "currency" }, to: "currency", type: "string" },
        { from: { column: "payment_mode" }, to: "payment_mode", type: "string" },
      ],
      event: { name: { constant: "Purchased" }, identityColumn: "user_id", identifier: "id", idColumn: "purchase_id", timestampColumn: "bought_at" },
      schedule: manual,
    },
  ];
}

export async function seedDemoWorkspace({ email, password }: { email: string; password: string }) {
  const { workspaceId, workspaceSlug } = await bootstrapWorkspace({ email, password, workspaceName: DEMO_WORKSPACE });
  const db = await getDb();
  // bootstrapWorkspace issues a token for automation; the demo signs in with the password instead.
  await db.apiToken.deleteMany({ where: { workspaceId, name: { startsWith: "bootstrap " } } });
  const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  const actor = { userId: user.id, label: `${email} (demo)` };

  await buildWarehouseFile(await getWorkspaceFileFolder({ workspaceId }));
  const wanted = [
    { name: DEMO_CONNECTIONS.warehouse, type: "duckdb", config: { mode: "database", path: WAREHOUSE_FILE } },
    { name: DEMO_CONNECTIONS.clevertap, type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" } },
    { name: DEMO_CONNECTIONS.customerio, type: "customerio", config: { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us", appApiKey: CUSTOMERIO_SIM_APP_API_KEY } },
  ];
  const ids: Record<string, string> = {};
  for (const connection of wanted) {
    const existing = await db.connection.findFirst({ where: { workspaceId, name: connection.name }, select: { id: true } });
    ids[connection.name] = existing?.id ?? (await createConnection({ workspaceId, actor, ...connection })).id;
  }
  for (const definition of demoSyncs({ warehouse: ids[DEMO_CONNECTIONS.warehouse]!, clevertap: ids[DEMO_CONNECTIONS.clevertap]!, customerio: ids[DEMO_CONNECTIONS.customerio]! })) {
    const existing = await db.sync.findFirst({ where: { workspaceId, name: definition.name }, select: { id: true } });
    if (!existing) await createSync({ workspaceId, definition: { ...definition, enabled: true }, actor });
  }
  return { workspaceSlug };
}

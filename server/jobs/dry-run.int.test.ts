/**
 * Dry run end to end: a real PostgreSQL source, the CleverTap simulator over HTTP and the product's
 * services. A dry run sends nothing and writes no state; its payloads are exactly what the real run
 * then uploads; after the run it sees unchanged rows and the one row that changed. It lives with the
 * runners because it drives the one run sequence (runSyncRun) that services may not import.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type SimUpload } from "~/e2e/simulators/clevertap/server";
import { closeDb, getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { AppError } from "~/server/lib/errors";
import { createPostgresDatabase } from "~/server/testing/databases";
import { createEngineDeps } from "./engine-deps";
import { directIo, runSyncRun } from "./run-sync-run";
import { createConnection } from "~/server/services/connections/create-connection";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { createSync } from "~/server/services/syncs/create-sync";
import { checkWholeModelPart, dryRunSync } from "~/server/services/syncs/dry-run-sync";

type Sim = { url: string; close(): Promise<void> };
let clevertap: Sim;
let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let workspaceId: string;
let sourceId: string;
let destinationId: string;
const actor = { userId: null, label: "test" };
const ROWS = 1200;
const PHONE_REASON = "must start with + and the country code, digits only (e.g. +14155551234)";

async function sql(text: string) {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function uploads(): Promise<SimUpload[]> {
  return ((await (await fetch(`${clevertap.url}/__sim/uploads`)).json()) as { uploads: SimUpload[] }).uploads;
}

async function simRequests(): Promise<number> {
  return ((await (await fetch(`${clevertap.url}/__sim/stats`)).json()) as { requests: number }).requests;
}

async function stateSnapshot(syncId: string) {
  const db = await getDb();
  return db.syncRecordState.findMany({ where: { syncId }, orderBy: { recordKey: "asc" } });
}

const definition = () => ({
  sourceId,
  destinationId,
  model: { type: "table", schema: "public", table: "users" },
  object: "profile",
  behavior: "upsert",
  syncKey: { column: "user_id", identifier: "identity" },
  mappings: [
    { from: { column: "email" }, to: "Email", type: "string" },
    { from: { column: "phone" }, to: "Phone", type: "string" },
    { from: { column: "name" }, to: "Name", type: "string" },
  ],
});

beforeAll(async () => {
  clevertap = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
  source = await createPostgresDatabase("dryrun");
  // Every 10th user has a phone with spaces (invalid for CleverTap), u-0003 is there twice, two rows have no key.
  await sql(`
    CREATE TABLE users (user_id text, email text, phone text, name text);
    INSERT INTO users SELECT 'u-' || lpad(g::text, 4, '0'), 'user' || g || '@example.com',
      CASE WHEN g % 10 = 0 THEN '+44 20 7946 0007' ELSE '+1415555' || lpad(g::text, 4, '0') END, 'User ' || g
      FROM generate_series(1, ${ROWS}) g;
    INSERT INTO users VALUES ('u-0003', 'again@example.com', '+14155550003', 'Duplicate'), (NULL, 'nokey1@example.com', NULL, 'No key'), (NULL, 'nokey2@example.com', NULL, 'No key');
  `);
  const user = await signUpUser({ email: "dry-run@example.com", password: "Correct-Horse-42" });
  workspaceId = (await createWorkspace({ userId: user.id, name: "Dry run", actor })).id;
  sourceId = (await createConnection({ workspaceId, name: "Warehouse", type: "postgres", config: { url: source.url }, actor })).id;
  destinationId = (await createConnection({ workspaceId, name: "CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor })).id;
});

afterAll(async () => {
  await clevertap?.close();
  await closeDb();
  await source?.drop();
});

describe("dry run", () => {
  it("shows an unsaved definition's first 50 rows with payloads and fates, and sends nothing", async () => {
    const before = await simRequests();
    const result = await dryRunSync({ workspaceId, target: { definition: definition() } });
    const { sample } = result;
    expect(sample.rows).toHaveLength(50);
    expect(sample.counts).toEqual({ create: 45, update: 0, unchanged: 0, invalid: 5 });
    expect(sample.nullKeyRows).toBe(2);
    expect(sample.rows[0]).toEqual({
      key: "u-0001",
      fate: "create",
      payload: { identity: "u-0001", type: "profile", profileData: { Email: "user1@example.com", Phone: "+14155550001", Name: "User 1" } },
      problems: [],
    });
    expect(sample.rows.find((r) => r.key === "u-0010")).toEqual({ key: "u-0010", fate: "invalid", payload: null, problems: [{ field: "Phone", reason: PHONE_REASON }] });
    const duplicates = sample.rows.filter((r) => r.key === "u-0003");
    expect(duplicates.map((r) => r.fate).sort()).toEqual(["create", "invalid"]);
    expect(duplicates.find((r) => r.fate === "invalid")!.problems[0]!.reason).toContain("duplicate sync key 'u-0003'");
    expect(await simRequests()).toBe(before);
  });

  it("answers a bad definition with field errors", async () => {
    const error = (await dryRunSync({ workspaceId, target: { definition: { ...definition(), syncKey: { column: "nope" } } } }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.details.fieldErrors).toMatchObject({ "syncKey.column": expect.stringContaining('"nope"') });
  });

  it("counts the whole model's invalid rows by field and reason, across pages", async () => {
    const { wholeModel } = await dryRunSync({ workspaceId, target: { definition: definition() }, wholeModel: true });
    expect(wholeModel).toMatchObject({ complete: true, totalRows: ROWS + 3, rowsChecked: ROWS + 3, invalidRows: ROWS / 10 + 3 });
    expect(wholeModel!.groups).toEqual([
      { field: "Phone", reason: PHONE_REASON, rows: ROWS / 10, exampleKeys: ["u-0010", "u-0020", "u-0030", "u-0040", "u-0050"] },
      { field: "user_id", reason: "sync key column user_id is null", rows: 2, exampleKeys: [] },
      { field: "user_id", reason: "duplicate sync key in column user_id: only the first row with this key in key order is synced", rows: 1, exampleKeys: ["u-0003"] },
    ]);
  });

  it("checks the whole model in parts that add up to the one-pass count, a duplicate across two parts included", async () => {
    const { wholeModel: onePass } = await dryRunSync({ workspaceId, target: { definition: definition() }, wholeModel: true });
    // Parts of one 3-row page: u-0003 is row 3 of the first part and row 1 of the second.
    const rows = new Map<string, number>();
    let after: string | undefined;
    let parts = 0;
    let totalRows: number | null = null;
    let rowsChecked = 0;
    let invalidRows = 0;
    for (;;) {
      const part = await checkWholeModelPart({ workspaceId, target: { definition: definition() }, after, partMs: 0, pageSize: 3 });
      parts += 1;
      if (parts === 1) totalRows = part.totalRows;
      else expect(part.totalRows).toBeNull();
      rowsChecked += part.rowsChecked;
      invalidRows += part.invalidRows;
      for (const group of part.groups) rows.set(`${group.field}: ${group.reason}`, (rows.get(`${group.field}: ${group.reason}`) ?? 0) + group.rows);
      if (part.nextCursor === null) {
        expect(part.complete).toBe(true);
        break;
      }
      expect(part.complete).toBe(false);
      after = part.nextCursor;
    }
    expect(parts).toBeGreaterThan(300);
    expect({ totalRows, rowsChecked, invalidRows }).toEqual({ totalRows: onePass!.totalRows, rowsChecked: onePass!.rowsChecked, invalidRows: onePass!.invalidRows });
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(onePass!.groups.map((g) => [`${g.field}: ${g.reason}`, g.rows])));

    await expect(checkWholeModelPart({ workspaceId, target: { definition: definition() }, after: "not a cursor" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("shows of a saved sync exactly what its run sends, changes no state, then sees unchanged and updated rows", async () => {
    const sync = await createSync({ workspaceId, actor, definition: { ...definition(), name: "Users", schedule: { type: "manual" } } });
    const before = await simRequests();
    const dry = await dryRunSync({ workspaceId, target: { syncId: sync.id } });
    expect(await simRequests()).toBe(before);
    expect(await stateSnapshot(sync.id)).toEqual([]);

    const db = await getDb();
    const runId = createId("run");
    await db.syncRun.create({ data: { id: runId, workspaceId, syncId: sync.id, trigger: "MANUAL" } });
    await runSyncRun({ runId, deps: createEngineDeps(), io: directIo });
    const sent = (await uploads()).filter((u) => !u.dryRun).flatMap((u) => u.records) as { identity: string }[];
    const sentByIdentity = new Map(sent.map((r) => [r.identity, r]));
    const creates = dry.sample.rows.filter((r) => r.fate === "create");
    expect(creates).toHaveLength(45);
    for (const row of creates) expect(sentByIdentity.get(row.key), row.key).toEqual(row.payload);
    for (const row of dry.sample.rows.filter((r) => r.fate === "invalid")) {
      if (row.key !== "u-0003") expect(sentByIdentity.has(row.key), row.key).toBe(false);
    }

    await sql(`UPDATE users SET name = 'Renamed' WHERE user_id = 'u-0002'`);
    const states = await stateSnapshot(sync.id);
    const requests = await simRequests();
    const after = await dryRunSync({ workspaceId, target: { syncId: sync.id }, wholeModel: true });
    expect(after.sample.counts).toEqual({ create: 0, update: 1, unchanged: 44, invalid: 5 });
    expect(after.sample.rows.find((r) => r.key === "u-0002")).toMatchObject({ fate: "update", payload: { profileData: { Name: "Renamed" } } });
    expect(await simRequests()).toBe(requests);
    expect(await stateSnapshot(sync.id)).toEqual(states);
  });

  it("is NOT_FOUND for a sync of another workspace", async () => {
    const other = await signUpUser({ email: "dry-run-other@example.com", password: "Correct-Horse-42" });
    const otherWorkspace = (await createWorkspace({ userId: other.id, name: "Other", actor })).id;
    const sync = await (await getDb()).sync.findFirstOrThrow({ where: { workspaceId } });
    await expect(dryRunSync({ workspaceId: otherWorkspace, target: { syncId: sync.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

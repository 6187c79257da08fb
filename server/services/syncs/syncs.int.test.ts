import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createPostgresDatabase } from "~/server/testing/databases";
import { createConnection } from "~/server/services/connections/create-connection";
import { deleteConnection } from "~/server/services/connections/delete-connection";
import { getConnection } from "~/server/services/connections/get-connection";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { assertFullResyncConfirmed, describeFullResyncImpact } from "~/server/services/sync-runs/full-resync-impact";
import { createSync } from "./create-sync";
import { deleteSync } from "./delete-sync";
import { previewSchedule } from "./preview-schedule";
import { suggestMappings } from "./suggest-mappings";
import { listSyncHistory } from "./sync-revisions";
import { updateSync } from "./update-sync";

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let workspaceId: string;
let sourceId: string;
let destinationId: string;
const actor = { userId: null, label: "test" };

beforeAll(async () => {
  source = await createPostgresDatabase("syncs");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  await client.query(`CREATE TABLE users (user_id int PRIMARY KEY, email text, username text, phone text, purchase_id int, amount numeric, bought_at timestamptz)`);
  await client.end();
  const user = await signUpUser({ email: "syncs@example.com", password: "Correct-Horse-42" });
  workspaceId = (await createWorkspace({ userId: user.id, name: "Syncs", actor })).id;
  sourceId = (await createConnection({ workspaceId, name: "Warehouse", type: "postgres", config: { url: source.url }, actor })).id;
  destinationId = (await createConnection({ workspaceId, name: "CleverTap", type: "clevertap", config: { accountId: "A", passcode: "P", region: "eu1" }, actor })).id;
});

afterAll(async () => {
  await closeDb();
  await source.drop();
});

const profileSync = () => ({
  name: "Users to CleverTap",
  sourceId,
  destinationId,
  model: { type: "table", schema: "public", table: "users" },
  object: "profile",
  behavior: "upsert",
  syncKey: { column: "user_id", identifier: "identity" },
  mappings: [{ from: { column: "email" }, to: "Email", type: "string" }],
  schedule: { type: "interval", minutes: 15 },
});

describe("sync definitions", () => {
  it("auto-matches standard fields by column name", async () => {
    const { mappings } = await suggestMappings({ workspaceId, sourceId, destinationId, model: { type: "table", schema: "public", table: "users" }, object: "profile" });
    expect(mappings).toEqual(
      expect.arrayContaining([
        { from: { column: "email" }, to: "Email", type: "string" },
        { from: { column: "username" }, to: "Name", type: "string" },
        { from: { column: "phone" }, to: "Phone", type: "string" },
      ]),
    );
  });

  it("answers per-field errors and saves nothing", async () => {
    const bad = { ...profileSync(), syncKey: { column: "nope" }, mappings: [{ from: { column: "missing" }, to: "Email", type: "string" }] };
    const error = (await createSync({ workspaceId, definition: bad, actor }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.details.fieldErrors).toMatchObject({ "syncKey.column": expect.stringContaining('"nope"'), "mappings.0.from.column": expect.stringContaining('"missing"') });
    expect(await (await getDb()).sync.count({ where: { workspaceId } })).toBe(0);
  });

  it("creates with a next run time, switches to an event sync and back, and refuses deleting a used connection", async () => {
    const sync = await createSync({ workspaceId, definition: profileSync(), actor });
    expect(sync.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    expect(sync.scheduleDescription).toMatch(/15 minutes/);

    const asEvent = await updateSync({
      workspaceId,
      syncId: sync.id,
      actor,
      changes: { object: "event", behavior: "append", syncKey: { column: "purchase_id" }, mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }], event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity", timestampColumn: "bought_at" } },
    });
    expect(asEvent.event).toMatchObject({ name: { constant: "Charged" } });
    const back = await updateSync({ workspaceId, syncId: sync.id, actor, changes: { object: "profile", behavior: "upsert", syncKey: { column: "user_id" }, event: null, mappings: [{ from: { column: "email" }, to: "Email", type: "string" }] } });
    expect(back.event ?? null).toBeNull();

    expect((await getConnection({ workspaceId, connectionId: sourceId, includeConfig: false })).usedBy).toEqual([{ id: sync.id, name: "Users to CleverTap" }]);
    await expect(deleteConnection({ workspaceId, connectionId: sourceId, actor })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining('"Users to CleverTap"') });
    await deleteSync({ workspaceId, syncId: sync.id, actor });
  });

  it("checks the change-tracking column, defaults event syncs on an increasing key to it, and forgets the watermark when the column changes", async () => {
    const notTrackable = await createSync({ workspaceId, definition: { ...profileSync(), name: "Text column", changeTracking: { column: "email" } }, actor }).catch((e: unknown) => e);
    expect((notTrackable as AppError).details.fieldErrors).toMatchObject({ "changeTracking.column": expect.stringContaining('Column "email" (text) cannot track changes') });
    const missing = await createSync({ workspaceId, definition: { ...profileSync(), name: "Missing column", changeTracking: { column: "nope" } }, actor }).catch((e: unknown) => e);
    expect((missing as AppError).details.fieldErrors).toMatchObject({ "changeTracking.column": expect.stringContaining('Change-tracking column "nope" is not a column of the model') });
    const negative = await createSync({ workspaceId, definition: { ...profileSync(), name: "Bad look-back", changeTracking: { column: "bought_at", lookbackMinutes: -1 } }, actor }).catch((e: unknown) => e);
    expect((negative as AppError).details.fieldErrors).toHaveProperty(["changeTracking.lookbackMinutes"]);
    expect(await (await getDb()).sync.count({ where: { workspaceId } })).toBe(0);

    const tracked = await createSync({ workspaceId, definition: { ...profileSync(), changeTracking: { column: "bought_at" } }, actor });
    expect(tracked.changeTracking).toEqual({ column: "bought_at", lookbackMinutes: 15, fullCompareHours: 24 });
    expect(tracked.watermark).toBeNull();
    // Profiles have no default: absent means every run reads every row.
    const plain = await createSync({ workspaceId, definition: { ...profileSync(), name: "Plain" }, actor });
    expect(plain.changeTracking ?? null).toBeNull();

    const event = {
      ...profileSync(),
      name: "Purchases",
      object: "event",
      behavior: "append",
      syncKey: { column: "purchase_id" },
      mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
      event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity" },
    };
    const events = await createSync({ workspaceId, definition: event, actor });
    expect(events.changeTracking).toEqual({ column: "purchase_id", lookbackMinutes: 0, fullCompareHours: 24 });
    const optedOut = await createSync({ workspaceId, definition: { ...event, name: "Purchases, every row", changeTracking: null }, actor });
    expect(optedOut.changeTracking ?? null).toBeNull();

    const db = await getDb();
    await db.sync.update({ where: { id: tracked.id }, data: { watermark: JSON.stringify({ column: "bought_at", v: { $date: "2026-01-01T00:00:00.000Z" } }), lastFullCompareAt: new Date() } });
    const renamed = await updateSync({ workspaceId, syncId: tracked.id, actor, changes: { name: "Users, tracked" } });
    expect(renamed.watermark).toBe("2026-01-01T00:00:00.000Z");
    const moved = await updateSync({ workspaceId, syncId: tracked.id, actor, changes: { changeTracking: { column: "purchase_id" } } });
    expect(moved.watermark).toBeNull();
    expect(moved.lastFullCompareAt).toBeNull();
    for (const sync of [tracked, plain, events, optedOut]) await deleteSync({ workspaceId, syncId: sync.id, actor });
  });

  it("previews the next five runs of a cron schedule and explains a bad one", () => {
    const preview = previewSchedule({ schedule: { type: "cron", expression: "0 6 * * *", timezone: "Europe/Paris" } });
    expect(preview.nextRuns).toHaveLength(5);
    expect(preview.nextRuns.every((d) => d.getUTCHours() === 5 || d.getUTCHours() === 4)).toBe(true);
    expect(() => previewSchedule({ schedule: { type: "cron", expression: "61 * * * *", timezone: "UTC" } })).toThrow(/invalid/);
  });

  it("records every saved change as a revision with a field-by-field diff, and skips saves that change nothing", async () => {
    const editor = { userId: null, label: "editor@example.com" };
    const sync = await createSync({ workspaceId, definition: { ...profileSync(), name: "History" }, actor: editor });
    await updateSync({
      workspaceId,
      syncId: sync.id,
      actor: editor,
      changes: {
        mappings: [
          { from: { column: "username" }, to: "Name", type: "string" },
          { from: { column: "phone" }, to: "Email", type: "string" },
        ],
        schedule: { type: "interval", minutes: 30 },
      },
    });
    await updateSync({ workspaceId, syncId: sync.id, actor: editor, changes: { schedule: { type: "interval", minutes: 30 } } });
    const { revisions } = await listSyncHistory({ workspaceId, syncId: sync.id });
    expect(revisions.map((r) => r.number)).toEqual([2, 1]);
    expect(revisions[1]).toMatchObject({ actor: "editor@example.com", changes: [] });
    expect(revisions[0]!.changes).toEqual([
      { field: "mappings.Email", label: "Mapping → Email", before: { from: { column: "email" }, to: "Email", type: "string" }, after: { from: { column: "phone" }, to: "Email", type: "string" } },
      { field: "mappings.Name", label: "Mapping → Name", before: null, after: { from: { column: "username" }, to: "Name", type: "string" } },
      { field: "schedule.minutes", label: "Schedule › Minutes", before: 15, after: 30 },
    ]);
    // Another tenant cannot read it.
    await expect(listSyncHistory({ workspaceId: "ws_other", syncId: sync.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await deleteSync({ workspaceId, syncId: sync.id, actor });
  });

  it("asks for the sync's name before a full resync would duplicate CleverTap events", async () => {
    const events = await createSync({
      workspaceId,
      actor,
      definition: {
        ...profileSync(),
        name: "Purchases",
        object: "event",
        behavior: "append",
        syncKey: { column: "purchase_id" },
        mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
        event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity" },
      },
    });
    const db = await getDb();
    // Nothing sent yet: nothing to duplicate, no confirmation needed.
    await expect(assertFullResyncConfirmed({ workspaceId, syncId: events.id })).resolves.toBeUndefined();
    await db.syncRecordState.createMany({ data: ["p1", "p2", "p3"].map((recordKey) => ({ syncId: events.id, workspaceId, recordKey, payloadHash: "h" })) });
    expect(await describeFullResyncImpact({ workspaceId, syncId: events.id })).toMatchObject({ duplicatesEvents: true, sentRecords: 3, destinationLabel: "CleverTap" });
    await expect(assertFullResyncConfirmed({ workspaceId, syncId: events.id })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("sends its 3 events to CleverTap again") });
    await expect(assertFullResyncConfirmed({ workspaceId, syncId: events.id, confirmName: "purchases" })).rejects.toMatchObject({ details: { fieldErrors: { confirmName: "This is not the sync's name." } } });
    await expect(assertFullResyncConfirmed({ workspaceId, syncId: events.id, confirmName: "Purchases" })).resolves.toBeUndefined();

    const profiles = await createSync({ workspaceId, actor, definition: { ...profileSync(), name: "Profiles" } });
    await db.syncRecordState.create({ data: { syncId: profiles.id, workspaceId, recordKey: "1", payloadHash: "h" } });
    expect(await describeFullResyncImpact({ workspaceId, syncId: profiles.id })).toMatchObject({ duplicatesEvents: false, sentRecords: 1 });
    await expect(assertFullResyncConfirmed({ workspaceId, syncId: profiles.id })).resolves.toBeUndefined();
    await deleteSync({ workspaceId, syncId: events.id, actor });
    await deleteSync({ workspaceId, syncId: profiles.id, actor });
  });

  it("makes the next run after a mapping change a full compare, so change tracking cannot skip rows whose payload changed", async () => {
    const sync = await createSync({ workspaceId, actor, definition: { ...profileSync(), name: "Tracked", changeTracking: { column: "bought_at", lookbackMinutes: 15, fullCompareHours: 24 } } });
    const db = await getDb();
    const comparedAt = new Date();
    await db.sync.update({ where: { id: sync.id }, data: { lastFullCompareAt: comparedAt } });
    await updateSync({ workspaceId, syncId: sync.id, actor, changes: { schedule: { type: "interval", minutes: 30 } } });
    expect((await db.sync.findUniqueOrThrow({ where: { id: sync.id } })).lastFullCompareAt).toEqual(comparedAt);
    await updateSync({ workspaceId, syncId: sync.id, actor, changes: { mappings: [{ from: { column: "username" }, to: "Name", type: "string" }] } });
    expect((await db.sync.findUniqueOrThrow({ where: { id: sync.id } })).lastFullCompareAt).toBeNull();
    await deleteSync({ workspaceId, syncId: sync.id, actor });
  });
});

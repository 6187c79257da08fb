import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { createFakeDestination, createFakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture } from "~/server/sync/testing/sync-fixture";
import { recordErrors, transitionRun, type RecordErrorInput } from "~/server/sync/run-status";
import { countRowsPerDay } from "./count-rows-per-day";
import { groupRunErrors } from "./group-run-errors";
import { listRunErrors } from "./list-run-errors";
import { listSyncRuns } from "./list-sync-runs";
import { streamRunErrorsCsv } from "./stream-run-errors-csv";
import { provisionPostgresAppDatabase } from "~/server/testing/app-database";
import { listSyncs } from "../syncs/list-syncs";

// The real server: what a deployment with DATABASE_URL runs (the browser suite runs the embedded one).
provisionPostgresAppDatabase("triage");

async function createSync() {
  const source = createFakeSource({ rows: [], columns: [{ name: "id", type: "string", nativeType: "text" }] });
  return createSyncFixture({
    source,
    destination: createFakeDestination(),
    settings: { syncKey: { column: "id" }, mappings: [{ from: { column: "id" }, to: "Name", type: "string" }] },
  });
}

/** 3,000 errors like a messy warehouse gives: 999 phones, 1,500 prices, 400 duplicates, 100 null keys, 1 rejection. */
function messyErrors(): RecordErrorInput[] {
  const errors: RecordErrorInput[] = [];
  for (let i = 0; i < 999; i++) errors.push({ kind: "INVALID", recordKey: `user-${i}`, field: "Phone", reason: `value '+44 20 7946 ${String(i).padStart(4, "0")}' in column phone has no country code` });
  for (let i = 0; i < 1500; i++) errors.push({ kind: "INVALID", recordKey: `order-${i}`, field: "Price", reason: `value 'abc${i}' in column price is not a number` });
  for (let i = 0; i < 400; i++) {
    errors.push({ kind: "INVALID", recordKey: `dup-${i}`, field: "id", reason: `duplicate sync key 'dup-${i}' in column id: only row ${i * 2 + 1}, the first row with this key in key order, is synced; row ${i * 2 + 2} is not`, rowNumber: i * 2 + 2, rowValues: `email='dup${i}@example.com'` });
  }
  for (let i = 0; i < 100; i++) errors.push({ kind: "INVALID", recordKey: null, field: "id", reason: "sync key column id is null", rowNumber: 5000 + i, rowValues: `email='=HYPERLINK("http://evil")', name='@SUM(1)'` });
  errors.push({ kind: "REJECTED", recordKey: "-1+2", field: null, reason: "the destination refused the record (code 512)", code: "512" });
  return errors;
}

async function seedRun(fixture: Awaited<ReturnType<typeof createSync>>, errors: RecordErrorInput[], rowsRead: number) {
  const runId = await fixture.queueRun();
  await recordErrors({ runId, workspaceId: fixture.workspaceId, syncId: fixture.syncId, errors });
  const db = await getDb();
  await db.syncRun.update({ where: { id: runId }, data: { rowsRead, rowsInvalid: errors.filter((e) => e.kind === "INVALID").length, rowsRejected: 1 } });
  return runId;
}

describe("record error triage", () => {
  it("groups a few thousand errors by field and reason without their values, with counts that add up and shares of the run", async () => {
    const fixture = await createSync();
    const runId = await seedRun(fixture, messyErrors(), 10_000);
    const grouped = await groupRunErrors({ workspaceId: fixture.workspaceId, runId });
    expect(grouped.groupCount).toBe(5);
    expect(grouped.errorCount).toBe(3000);
    expect(grouped.groups.reduce((n, g) => n + g.count, 0)).toBe(grouped.rowsInvalid + grouped.rowsRejected);
    expect(grouped.groups.map((g) => [g.kind, g.field, g.reasonGroup, g.count])).toEqual([
      ["INVALID", "Price", "value '…' in column price is not a number", 1500],
      ["INVALID", "Phone", "value '…' in column phone has no country code", 999],
      ["INVALID", "id", "duplicate sync key '…' in column id: only row N, the first row with this key in key order, is synced; row N is not", 400],
      ["INVALID", "id", "sync key column id is null", 100],
      ["REJECTED", null, "the destination refused the record (code N)", 1],
    ]);
    expect(grouped.groups[1]).toMatchObject({ share: 0.0999, example: "value '+44 20 7946 0000' in column phone has no country code" });
  });

  it("filters by kind, field and group, searches keys in any case, and pages by id", async () => {
    const fixture = await createSync();
    const runId = await seedRun(fixture, messyErrors(), 10_000);
    const base = { workspaceId: fixture.workspaceId, runId };
    expect((await listRunErrors({ ...base, kind: "REJECTED" })).errors.map((e) => e.recordKey)).toEqual(["-1+2"]);
    expect((await listRunErrors({ ...base, field: "Phone", limit: 1 })).matching).toBe(999);
    expect((await listRunErrors({ ...base, field: null })).matching).toBe(1);
    const nullKeys = await listRunErrors({ ...base, reasonGroup: "sync key column id is null", limit: 3 });
    expect(nullKeys.matching).toBe(100);
    expect(nullKeys.errors.map((e) => e.rowNumber)).toEqual([5000, 5001, 5002]);
    expect(nullKeys.errors[0]?.rowValues).toContain("email=");
    const search = await listRunErrors({ ...base, search: "USER-99" });
    expect(search.errors.map((e) => e.recordKey)).toEqual(["user-99", "user-990", "user-991", "user-992", "user-993", "user-994", "user-995", "user-996", "user-997", "user-998"]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRunErrors({ ...base, field: "Price", limit: 400, cursor });
      seen.push(...page.errors.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(1500);
    expect((await listRunErrors({ ...base, kind: "INVALID" })).totals).toEqual({ INVALID: 2999, REJECTED: 1, DROPPED_FIELD: 0 });
  });

  it("streams the CSV of every error in pages, with formula cells defused, and keeps tenants apart", async () => {
    const fixture = await createSync();
    const errors = messyErrors();
    // More than two of the stream's pages.
    for (let i = 0; i < 2500; i++) errors.push({ kind: "INVALID", recordKey: `bulk-${i}`, field: "Email", reason: `value '${i}' in column email is not an email` });
    const runId = await seedRun(fixture, errors, 20_000);
    const { fileName, stream } = await streamRunErrorsCsv({ workspaceId: fixture.workspaceId, runId });
    expect(fileName).toBe(`run-${runId}-record-errors.csv`);
    const text = await new Response(stream).text();
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(5500);
    expect(Object.keys(rows[0]!)).toEqual(["kind", "record_key", "row_number", "row_values", "field", "reason", "destination_code", "created_at"]);
    const rejected = rows.find((r) => r.kind === "rejected");
    expect(rejected).toMatchObject({ record_key: "'-1+2", destination_code: "512", field: "" });
    const keyless = rows.find((r) => r.row_number === "5000");
    expect(keyless?.record_key).toBe("");
    // The cell starts with a letter, so it stays; a cell starting with = or @ gets an apostrophe.
    expect(keyless?.row_values).toBe(`email='=HYPERLINK("http://evil")', name='@SUM(1)'`);

    const filtered = await streamRunErrorsCsv({ workspaceId: fixture.workspaceId, runId, field: "Phone", search: "user-1" });
    const phoneRows = parse(await new Response(filtered.stream).text(), { columns: true }) as Record<string, string>[];
    expect(phoneRows.length).toBe(111);
    expect(phoneRows.every((r) => r.field === "Phone")).toBe(true);

    const other = await createSync();
    await expect(streamRunErrorsCsv({ workspaceId: other.workspaceId, runId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(groupRunErrors({ workspaceId: other.workspaceId, runId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("puts an apostrophe before cells a spreadsheet would run as formulas", async () => {
    const fixture = await createSync();
    const runId = await seedRun(
      fixture,
      [
        { kind: "INVALID", recordKey: "=1+1", field: "+Phone", reason: "@cmd", rowValues: "-2" },
        { kind: "INVALID", recordKey: "plain", field: "Name", reason: "fine = fine" },
      ],
      2,
    );
    const rows = parse(await new Response((await streamRunErrorsCsv({ workspaceId: fixture.workspaceId, runId })).stream).text(), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ record_key: "'=1+1", field: "'+Phone", reason: "'@cmd", row_values: "'-2" });
    expect(rows[1]).toMatchObject({ record_key: "plain", field: "Name", reason: "fine = fine" });
  });
});

describe("finding syncs and runs", () => {
  it("filters syncs by name, source, destination and status", async () => {
    const fixture = await createSync();
    const twin = await fixture.addTwinSync();
    const db = await getDb();
    await db.sync.update({ where: { id: twin.syncId }, data: { name: "Purchases to CleverTap", enabled: false } });
    const { workspaceId } = fixture;
    const sync = await db.sync.findUniqueOrThrow({ where: { id: fixture.syncId } });
    const runId = await fixture.queueRun();
    await transitionRun({ runId, from: ["QUEUED"], to: "FAILED" });

    const names = async (p: Parameters<typeof listSyncs>[0]) => (await listSyncs(p)).map((s) => s.name);
    expect(await names({ workspaceId, search: "purchases" })).toEqual(["Purchases to CleverTap"]);
    expect(await names({ workspaceId, sourceId: sync.sourceId })).toEqual(["Purchases to CleverTap", "Test sync"]);
    expect(await names({ workspaceId, destinationId: "conn_other" })).toEqual([]);
    expect(await names({ workspaceId, status: "disabled" })).toEqual(["Purchases to CleverTap"]);
    expect(await names({ workspaceId, status: "never_run" })).toEqual(["Purchases to CleverTap"]);
    expect(await names({ workspaceId, status: "FAILED" })).toEqual(["Test sync"]);
    expect(await names({ workspaceId, status: "SUCCEEDED" })).toEqual([]);
    const other = await createSync();
    expect(await names({ workspaceId: other.workspaceId, search: "purchases" })).toEqual([]);
  });

  it("filters runs by status, trigger and date, and counts rows per day with invalid and rejected rows", async () => {
    const fixture = await createSync();
    const { workspaceId, syncId } = fixture;
    const db = await getDb();
    const manual = await fixture.queueRun();
    const scheduled = await fixture.queueRun({ trigger: "SCHEDULE" });
    const old = await fixture.queueRun({ trigger: "API" });
    await transitionRun({ runId: manual, from: ["QUEUED"], to: "SUCCEEDED_WITH_REJECTIONS", data: { rowsCreated: 10, rowsUpdated: 5, rowsInvalid: 3, rowsRejected: 2, startedAt: new Date() } });
    await transitionRun({ runId: scheduled, from: ["QUEUED"], to: "FAILED" });
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    await db.syncRun.update({ where: { id: old }, data: { queuedAt: threeDaysAgo, startedAt: threeDaysAgo, status: "SUCCEEDED", rowsCreated: 7 } });

    const ids = async (p: Omit<Parameters<typeof listSyncRuns>[0], "workspaceId" | "syncId">) => (await listSyncRuns({ workspaceId, syncId, ...p })).runs.map((r) => r.id);
    expect(await ids({ status: ["FAILED"] })).toEqual([scheduled]);
    expect(await ids({ trigger: ["MANUAL", "API"] })).toEqual([manual, old].sort().reverse());
    expect(await ids({ to: new Date(Date.now() - 86_400_000) })).toEqual([old]);
    expect(await ids({ from: new Date(Date.now() - 86_400_000), status: ["SUCCEEDED_WITH_REJECTIONS"] })).toEqual([manual]);

    const days = await countRowsPerDay({ workspaceId, days: 14, timeZone: "UTC" });
    expect(days).toHaveLength(14);
    expect(days.at(-1)).toMatchObject({ day: new Date().toISOString().slice(0, 10), sent: 15, invalid: 3, rejected: 2, runs: 2 });
    expect(days.at(-4)).toMatchObject({ day: threeDaysAgo.toISOString().slice(0, 10), sent: 7, invalid: 0 });
    await expect(countRowsPerDay({ workspaceId, days: 14, timeZone: "Mars/Olympus" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

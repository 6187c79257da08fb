import { describe, expect, it } from "vitest";
import { DestinationRequestError } from "~/server/connectors/errors";
import type { Row, SourceColumn } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import type { SyncSettings } from "./definition";
import { directIo, runSyncRun } from "~/server/jobs/run-sync-run";
import { cleanupOldRunData } from "./engine";
import { requestRunCancel } from "./run-status";
import { createFakeDestination, createFakeSource, type FakeDestination, type FakeSource } from "./testing/fake-connectors";
import { createSyncFixture } from "./testing/sync-fixture";

const USER_COLUMNS: SourceColumn[] = [
  { name: "user_id", type: "string", nativeType: "text" },
  { name: "email", type: "string", nativeType: "text" },
  { name: "username", type: "string", nativeType: "text" },
  { name: "price", type: "string", nativeType: "text" },
  { name: "plan", type: "string", nativeType: "text" },
];

function userId(i: number): string {
  return `u${String(i).padStart(5, "0")}`;
}

function makeUsers(count: number, from = 0): Row[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return { user_id: userId(i), email: `user${i}@example.com`, username: `User ${i}`, price: String(i * 10), plan: "free" };
  });
}

const PROFILE_SETTINGS: Partial<SyncSettings> & Pick<SyncSettings, "syncKey"> = {
  object: "profile",
  behavior: "upsert",
  syncKey: { column: "user_id", identifier: "identity" },
  mappings: [
    { from: { column: "email" }, to: "Email", type: "string" },
    { from: { column: "username" }, to: "Name", type: "string" },
    { from: { column: "price" }, to: "Price", type: "number" },
    { from: { constant: "warehouse" }, to: "Source", type: "string" },
  ],
};

async function readRun(runId: string) {
  const db = await getDb();
  return db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } }, errors: { orderBy: { id: "asc" } } } });
}

function counts(run: Awaited<ReturnType<typeof readRun>>) {
  return {
    read: run.rowsRead,
    invalid: run.rowsInvalid,
    unchanged: run.rowsUnchanged,
    created: run.rowsCreated,
    updated: run.rowsUpdated,
    rejected: run.rowsRejected,
    retried: run.rowsRetried,
  };
}

function sentKeys(destination: FakeDestination): string[] {
  return destination.requests.filter((r) => r.outcome === "ok").flatMap((r) => r.records.map((rec) => rec.key));
}

async function setup(p: {
  rows: Row[];
  columns?: SourceColumn[];
  settings?: Partial<SyncSettings> & Pick<SyncSettings, "syncKey">;
  pageSize?: number;
  destination?: Parameters<typeof createFakeDestination>[0];
}) {
  const source: FakeSource = createFakeSource({ rows: p.rows, columns: p.columns ?? USER_COLUMNS });
  const destination = createFakeDestination(p.destination);
  const fixture = await createSyncFixture({ source, destination, settings: p.settings ?? PROFILE_SETTINGS, pageSize: p.pageSize });
  const run = async (options?: { fullResync?: boolean }) => {
    const runId = await fixture.queueRun(options);
    destination.requests.length = 0;
    const result = await runSyncRun({ runId, deps: fixture.deps(), io: directIo });
    return { runId, status: result.status, run: await readRun(runId) };
  };
  return { source, destination, fixture, run };
}

describe("sync engine: change detection", () => {
  it("sends every row on the first run, nothing on the second, then exactly the changes", async () => {
    const { source, destination, run } = await setup({ rows: makeUsers(2500), pageSize: 1000 });

    const first = await run();
    expect(first.status).toBe("SUCCEEDED");
    expect(counts(first.run)).toEqual({ read: 2500, invalid: 0, unchanged: 0, created: 2500, updated: 0, rejected: 0, retried: 0 });
    expect(first.run.totalRows).toBe(2500);
    expect(first.run.pagesCommitted).toBe(3);
    expect(destination.profiles.size).toBe(2500);
    expect(destination.profiles.get(userId(7))).toEqual({ Email: "user7@example.com", Name: "User 7", Price: 70, Source: "warehouse" });
    const messages = first.run.logs.map((l) => l.message);
    expect(messages).toContain("Page 1: read 1000, created 1000, updated 0, unchanged 0");
    expect(messages.some((m) => m.startsWith("Preparing: Fake source public.rows (2500 rows"))).toBe(true);
    // The one run sequence ends with the read-back verification, after the run finished.
    expect(messages.at(-2)).toMatch(/^Finished in .* after 3 pages: read 2500, created 2500, updated 0, unchanged 0/);
    expect(messages.at(-1)).toBe("Verification: Fake destination has no read API to verify delivered data");
    const db = await getDb();
    const state = await db.syncRecordState.findUniqueOrThrow({ where: { syncId_recordKey: { syncId: first.run.syncId, recordKey: userId(7) } } });
    expect(state.payloadHash).toMatch(/^[0-9a-f]{40}$/);
    expect(state.externalId).toBe(`ext-${userId(7)}`);

    const second = await run();
    expect(second.status).toBe("SUCCEEDED");
    expect(counts(second.run)).toEqual({ read: 2500, invalid: 0, unchanged: 2500, created: 0, updated: 0, rejected: 0, retried: 0 });
    expect(destination.requests).toHaveLength(0);

    // 3 updates, 2 inserts, and churn in a column that is not mapped.
    for (const i of [10, 1500, 2499]) source.rows[i]!.email = `changed${i}@example.com`;
    for (const row of source.rows) row.plan = "pro";
    source.rows.push(...makeUsers(2, 5000));
    const third = await run();
    expect(counts(third.run)).toEqual({ read: 2502, invalid: 0, unchanged: 2497, created: 2, updated: 3, rejected: 0, retried: 0 });
    expect(sentKeys(destination).sort()).toEqual([userId(10), userId(1500), userId(2499), userId(5000), userId(5001)]);
    expect(destination.profiles.get(userId(1500))?.Email).toBe("changed1500@example.com");
  });

  it("counts rows of an Update Only sync as updates, never as creates", async () => {
    const { run, destination } = await setup({ rows: makeUsers(5), settings: { ...PROFILE_SETTINGS, behavior: "update" } });
    // The people already exist in the destination; this sync has never sent them.
    for (let i = 0; i < 5; i++) destination.profiles.set(userId(i), { Email: "old@example.com" });
    const first = await run();
    expect(counts(first.run)).toEqual({ read: 5, invalid: 0, unchanged: 0, created: 0, updated: 5, rejected: 0, retried: 0 });
  });

  it("never re-sends an event, and sends the sync key as the event id", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      purchase_id: `p${String(i).padStart(3, "0")}`,
      user_id: `u${i % 7}`,
      amount: String(i * 1.5),
      purchased_at: new Date(Date.UTC(2024, 0, 1, 0, i)),
    }));
    const columns: SourceColumn[] = [
      { name: "purchase_id", type: "string", nativeType: "text" },
      { name: "user_id", type: "string", nativeType: "text" },
      { name: "amount", type: "number", nativeType: "numeric" },
      { name: "purchased_at", type: "date", nativeType: "timestamptz" },
    ];
    const { source, destination, run } = await setup({
      rows,
      columns,
      pageSize: 8,
      settings: {
        object: "event",
        behavior: "append",
        syncKey: { column: "purchase_id" },
        mappings: [{ from: { column: "amount" }, to: "Amount", type: "number" }],
        event: { name: { constant: "Charged" }, identityColumn: "user_id", identifier: "identity", timestampColumn: "purchased_at" },
      },
    });

    const first = await run();
    expect(counts(first.run)).toMatchObject({ read: 30, created: 30, unchanged: 0 });
    expect(destination.events).toHaveLength(30);
    const e5 = destination.events.find((e) => e.key === "p005");
    expect(e5).toEqual({
      key: "p005",
      identifier: { type: "identity", value: "u5" },
      fields: { Amount: 7.5 },
      event: { name: "Charged", id: "p005", timestamp: new Date(Date.UTC(2024, 0, 1, 0, 5)) },
    });

    source.rows[5]!.amount = "999";
    source.rows.push({ purchase_id: "p999", user_id: "u1", amount: "1", purchased_at: new Date() });
    const second = await run();
    expect(counts(second.run)).toMatchObject({ read: 31, created: 1, updated: 0, unchanged: 30 });
    expect(sentKeys(destination)).toEqual(["p999"]);
    expect(destination.events).toHaveLength(31);
  });
});

describe("sync engine: rejections and invalid rows", () => {
  it("retries rejected records on the next run and only moves state after acceptance", async () => {
    const { source, destination, run } = await setup({ rows: makeUsers(20) });
    const db = await getDb();
    destination.rejectRecord = (record) => (record.key === userId(7) ? "Email is not valid for this project" : undefined);

    const first = await run();
    expect(first.status).toBe("SUCCEEDED_WITH_REJECTIONS");
    expect(counts(first.run)).toMatchObject({ read: 20, created: 19, rejected: 1, retried: 0 });
    expect(first.run.errors).toMatchObject([
      { kind: "REJECTED", recordKey: userId(7), reason: "Email is not valid for this project", code: "record_refused", field: "Email" },
    ]);
    const rejectedState = await db.syncRecordState.findUniqueOrThrow({ where: { syncId_recordKey: { syncId: first.run.syncId, recordKey: userId(7) } } });
    expect(rejectedState.payloadHash).toBeNull();
    expect(rejectedState.rejectedAt).not.toBeNull();

    // Rejected again after a change: the last accepted hash stays, so it is still pending.
    const acceptedHash = (await db.syncRecordState.findUniqueOrThrow({ where: { syncId_recordKey: { syncId: first.run.syncId, recordKey: userId(3) } } })).payloadHash;
    source.rows[3]!.email = "broken@example.com";
    destination.rejectRecord = (record) => (record.key === userId(3) ? "still broken" : undefined);
    const second = await run();
    expect(counts(second.run)).toMatchObject({ read: 20, created: 1, updated: 0, rejected: 1, retried: 1, unchanged: 18 });
    const state3 = await db.syncRecordState.findUniqueOrThrow({ where: { syncId_recordKey: { syncId: first.run.syncId, recordKey: userId(3) } } });
    expect(state3.payloadHash).toBe(acceptedHash);
    expect(state3.rejectedAt).not.toBeNull();
    expect(destination.profiles.get(userId(3))?.Email).toBe("user3@example.com");

    destination.rejectRecord = undefined;
    const third = await run();
    expect(third.status).toBe("SUCCEEDED");
    expect(counts(third.run)).toMatchObject({ updated: 1, created: 0, retried: 1, rejected: 0, unchanged: 19 });
    expect(sentKeys(destination)).toEqual([userId(3)]);
    const accepted = await db.syncRecordState.findUniqueOrThrow({ where: { syncId_recordKey: { syncId: first.run.syncId, recordKey: userId(3) } } });
    expect(accepted.rejectedAt).toBeNull();
    expect(accepted.payloadHash).not.toBe(acceptedHash);
  });

  it("reports null keys, duplicate keys (also across a page boundary), unconvertible values and destination limits", async () => {
    const rows = makeUsers(12);
    rows[2]!.price = "abc";
    rows[3]!.username = "x".repeat(150);
    // Page size 5: u00004 ends page 1 and appears again at the top of page 2.
    rows.push({ ...makeUsers(1, 4)[0]!, email: "dup@example.com" });
    rows.push({ ...makeUsers(1, 8)[0]!, email: "dup2@example.com" });
    rows.push({ ...makeUsers(1, 8)[0]!, email: "dup3@example.com" });
    rows.push({ ...makeUsers(1, 100)[0]!, user_id: null });
    rows.push({ ...makeUsers(1, 101)[0]!, user_id: null });
    const { destination, run } = await setup({ rows, pageSize: 5 });

    const first = await run();
    expect(first.status).toBe("SUCCEEDED_WITH_INVALID_ROWS");
    expect(counts(first.run)).toEqual({ read: 17, invalid: 7, unchanged: 0, created: 10, updated: 0, rejected: 0, retried: 0 });
    const reasons = first.run.errors.map((e) => ({ key: e.recordKey, field: e.field, reason: e.reason, kind: e.kind }));
    expect(reasons).toEqual(
      expect.arrayContaining([
        { key: userId(2), field: "Price", reason: "value 'abc' in column price is not a number", kind: "INVALID" },
        { key: userId(3), field: "Name", reason: "value of Name is longer than 100 characters", kind: "INVALID" },
        // Row 5 ends page 1; its duplicate, row 6, tops page 2 and names the kept row across the boundary.
        { key: userId(4), field: "user_id", reason: `duplicate sync key '${userId(4)}' in column user_id: only row 5, the first row with this key in key order, is synced; row 6 is not`, kind: "INVALID" },
        { key: userId(8), field: "user_id", reason: `duplicate sync key '${userId(8)}' in column user_id: only row 10, the first row with this key in key order, is synced; row 11 is not`, kind: "INVALID" },
        { key: userId(8), field: "user_id", reason: `duplicate sync key '${userId(8)}' in column user_id: only row 10, the first row with this key in key order, is synced; row 12 is not`, kind: "INVALID" },
        { key: null, field: "user_id", reason: "sync key column user_id is null", kind: "INVALID" },
      ]),
    );
    expect(first.run.errors.filter((e) => e.recordKey === userId(8))).toHaveLength(2);
    const keyless = first.run.errors.filter((e) => e.recordKey === null);
    expect(keyless).toHaveLength(2);
    // A row without a key is named by its position (after the 15 keyed rows) and a few of its values.
    expect(keyless.map((e) => e.rowNumber).sort()).toEqual([16, 17]);
    expect(keyless.map((e) => e.rowValues).join(" | ")).toMatch(/email='user10[01]@example\.com'/);
    expect(first.run.errors.find((e) => e.reason.includes("row 6 is not"))?.rowValues).toContain("email='dup@example.com'");
    const sent = sentKeys(destination);
    expect(sent).not.toContain(userId(2));
    expect(sent).not.toContain(userId(3));
    expect(new Set(sent).size).toBe(sent.length);
    // The first row of a duplicated key is the one synced.
    expect(destination.profiles.get(userId(4))?.Email).toBe("user4@example.com");
  });
});

describe("sync engine: initial sync and full resync", () => {
  it("skips current rows on the first run, then sends only changes", async () => {
    const { source, destination, run } = await setup({ rows: makeUsers(30), pageSize: 10, settings: { ...PROFILE_SETTINGS, initialSync: "skip" } });
    const first = await run();
    expect(first.status).toBe("SUCCEEDED");
    expect(counts(first.run)).toMatchObject({ read: 30, unchanged: 30, created: 0 });
    expect(destination.requests).toHaveLength(0);
    expect(first.run.logs.some((l) => l.message.includes("initial sync skipped"))).toBe(true);

    source.rows[4]!.username = "Renamed";
    source.rows.push(...makeUsers(1, 77));
    const second = await run();
    expect(counts(second.run)).toMatchObject({ read: 31, unchanged: 29, created: 1, updated: 1 });
    expect(sentKeys(destination).sort()).toEqual([userId(4), userId(77)]);
  });

  it("sends everything again on a full resync", async () => {
    const { destination, run } = await setup({ rows: makeUsers(15), pageSize: 10 });
    await run();
    const again = await run({ fullResync: true });
    expect(counts(again.run)).toMatchObject({ read: 15, created: 15, unchanged: 0 });
    expect(sentKeys(destination)).toHaveLength(15);
    expect(again.run.logs.some((l) => l.message.startsWith("Full resync: cleared 15 saved record states"))).toBe(true);
    const next = await run();
    expect(counts(next.run)).toMatchObject({ unchanged: 15, created: 0 });
  });
});

describe("sync engine: delivery", () => {
  it("splits a batch refused as a whole and rejects only the bad record", async () => {
    const { destination, run } = await setup({ rows: makeUsers(40), destination: { maxBatchRecords: 16 } });
    destination.poisonsBatch = (record) => record.key === userId(13);
    const first = await run();
    expect(first.status).toBe("SUCCEEDED_WITH_REJECTIONS");
    expect(counts(first.run)).toMatchObject({ created: 39, rejected: 1 });
    expect(first.run.errors).toMatchObject([{ kind: "REJECTED", recordKey: userId(13), reason: "the request body holds an invalid record", code: "bad_body" }]);
    expect(destination.profiles.has(userId(13))).toBe(false);
    expect(destination.profiles.size).toBe(39);
    // 16 → 8 → 4 → 2 → 1 halves around the bad record.
    const refused = destination.requests.filter((r) => r.outcome === "error").map((r) => r.records.length);
    expect(refused).toEqual([16, 8, 4, 2, 1]);
  });

  it("retries a 429 after its Retry-After and delivers everything", async () => {
    const { destination, fixture, run } = await setup({ rows: makeUsers(10) });
    destination.beforeWrite = (_records, n) => {
      if (n <= 2) throw new DestinationRequestError("Too many requests", { status: 429, retryable: true, retryAfterMs: 1500 });
    };
    const result = await run();
    expect(result.status).toBe("SUCCEEDED");
    expect(counts(result.run)).toMatchObject({ created: 10 });
    expect(fixture.sleeps).toHaveLength(2);
    for (const ms of fixture.sleeps) expect(ms).toBeGreaterThanOrEqual(1500);
    expect(destination.profiles.size).toBe(10);
  });

  it("fails the run with a clear message on a non-retryable error", async () => {
    const { destination, run } = await setup({ rows: makeUsers(10) });
    destination.beforeWrite = () => {
      throw new DestinationRequestError("Invalid account id or passcode", { status: 401, retryable: false });
    };
    const result = await run();
    expect(result.status).toBe("FAILED");
    expect(result.run.error).toBe("Fake destination refused the request (HTTP 401): Invalid account id or passcode");
    expect(result.run.logs.at(-1)).toMatchObject({ level: "error", step: "fail" });
    expect(result.run.finishedAt).not.toBeNull();
  });
});

describe("sync engine: cancel, crash and resume", () => {
  it("cancels a queued run at once and a running run after its current page", async () => {
    // One batch per page, one in flight: the cancel is seen when page 1 commits, before batch 2 goes out.
    const { destination, fixture } = await setup({ rows: makeUsers(50), pageSize: 10, destination: { maxBatchRecords: 10 } });
    const queued = await fixture.queueRun();
    expect(await requestRunCancel({ runId: queued, workspaceId: fixture.workspaceId })).toBe("cancelled");
    expect((await readRun(queued)).status).toBe("CANCELLED");

    const runId = await fixture.queueRun();
    destination.beforeWrite = async (_records, n) => {
      if (n === 1) expect(await requestRunCancel({ runId, workspaceId: fixture.workspaceId })).toBe("requested");
    };
    const result = await runSyncRun({ runId, deps: fixture.deps({ delivery: { maxInFlight: 1 } }), io: directIo });
    expect(result.status).toBe("CANCELLED");
    const run = await readRun(runId);
    expect(run.pagesCommitted).toBe(1);
    expect(run.rowsCreated).toBe(10);
    expect(destination.profiles.size).toBe(10);
  });

  it("resumes a run whose process died from its last committed page, sending at most one batch twice", async () => {
    const { source, destination, fixture } = await setup({ rows: makeUsers(500), pageSize: 100, destination: { maxBatchRecords: 25 } });
    const runId = await fixture.queueRun();
    const crash = new AbortController();
    // Page 3 (requests 9 to 12): the destination stores its second batch, then the process dies before the page commits.
    destination.afterStore = (_records, n) => {
      if (n !== 10) return;
      crash.abort(new Error("process killed"));
      throw new Error("process killed");
    };
    await expect(runSyncRun({ runId, deps: fixture.deps({ delivery: { maxInFlight: 1 }, signal: crash.signal }), io: directIo })).rejects.toThrow("process killed");
    destination.afterStore = undefined;
    const crashed = await readRun(runId);
    expect(crashed.status).toBe("RUNNING");
    expect(crashed.pagesCommitted).toBe(2);

    // A new process picks the run up again.
    expect(await runSyncRun({ runId, deps: fixture.deps({ delivery: { maxInFlight: 1 } }), io: directIo })).toMatchObject({ status: "SUCCEEDED" });

    const run = await readRun(runId);
    // A process that died is not a failed attempt: only recorded failures count.
    expect(run.attempt).toBe(1);
    expect(run.rowsRead).toBe(500);
    expect(run.rowsCreated + run.rowsUnchanged).toBe(500);
    expect(destination.profiles.size).toBe(500);
    const sendsPerKey = new Map<string, number>();
    for (const key of sentKeys(destination).concat(destination.requests.filter((r) => r.outcome === "error").flatMap((r) => r.records.map((x) => x.key)))) {
      sendsPerKey.set(key, (sendsPerKey.get(key) ?? 0) + 1);
    }
    const twice = [...sendsPerKey].filter(([, n]) => n > 1).map(([k]) => k);
    expect(twice.length).toBeGreaterThan(0);
    expect(twice.length).toBeLessThanOrEqual(25);
    expect([...sendsPerKey.values()].every((n) => n <= 2)).toBe(true);
    expect(run.logs.some((l) => l.message === "Resuming after page 2 (attempt 1)")).toBe(true);
    expect(source.reads.every((r) => r.limit <= 101)).toBe(true);
  });

  it("leaves a run aborted by its runner RUNNING, and the next runSyncRun finishes it", async () => {
    const { destination, fixture } = await setup({ rows: makeUsers(60), pageSize: 20, destination: { maxBatchRecords: 20 } });
    const runId = await fixture.queueRun();
    const controller = new AbortController();
    destination.beforeWrite = (_records, n) => {
      if (n === 2) controller.abort(new Error("runner stopping"));
    };
    await expect(runSyncRun({ runId, deps: fixture.deps({ signal: controller.signal, delivery: { maxInFlight: 1 } }), io: directIo })).rejects.toThrow("runner stopping");
    expect(await readRun(runId)).toMatchObject({ status: "RUNNING", pagesCommitted: 2 });
    destination.beforeWrite = undefined;
    expect(await runSyncRun({ runId, deps: fixture.deps(), io: directIo })).toMatchObject({ status: "SUCCEEDED" });
    const run = await readRun(runId);
    expect(counts(run)).toMatchObject({ read: 60, created: 60, unchanged: 0 });
    expect(destination.profiles.size).toBe(60);
  });

  it("reads in bounded pages and bounded batches at any table size", async () => {
    const { source, destination, run } = await setup({ rows: makeUsers(3000), pageSize: 250, destination: { maxBatchRecords: 50, maxConcurrency: 15 } });
    const result = await run();
    expect(result.status).toBe("SUCCEEDED");
    expect(Math.max(...source.reads.map((r) => r.returned))).toBeLessThanOrEqual(251);
    expect(Math.max(...source.reads.map((r) => r.limit))).toBeLessThanOrEqual(251);
    expect(Math.max(...destination.requests.map((r) => r.records.length))).toBeLessThanOrEqual(50);
    // At most 4 requests in flight per run, even when the destination allows 15.
    expect(destination.maxInFlightSeen).toBeLessThanOrEqual(4);
    expect(destination.maxInFlightSeen).toBeGreaterThan(1);
    expect(result.run.pagesCommitted).toBe(12);
  });
});

describe("sync engine: pipelined delivery", () => {
  it("fills batches across pages: 1% changed goes out in full batches, not one per page", async () => {
    const { source, destination, run } = await setup({ rows: makeUsers(2000), pageSize: 100, destination: { maxBatchRecords: 10 } });
    await run();
    for (let i = 0; i < 2000; i += 100) source.rows[i]!.email = `changed${i}@example.com`;
    const changed = await run();
    expect(counts(changed.run)).toMatchObject({ read: 2000, updated: 20, unchanged: 1980 });
    // 20 pages each held one change: 2 uploads of 10.
    expect(destination.requests.map((r) => r.records.length)).toEqual([10, 10]);
    expect(changed.run.pagesCommitted).toBe(20);
    expect(changed.run.logs.filter((l) => l.step === "page")).toHaveLength(20);
  });

  it("shares the account's concurrency between runs of one destination connection", async () => {
    const { destination, fixture } = await setup({ rows: makeUsers(400), pageSize: 50, destination: { maxBatchRecords: 10, maxConcurrency: 3 } });
    const twin = await fixture.addTwinSync();
    destination.beforeWrite = () => new Promise((resolve) => setTimeout(resolve, 5));
    const runIds = [await fixture.queueRun(), await twin.queueRun()];
    const results = await Promise.all(runIds.map((runId) => runSyncRun({ runId, deps: fixture.deps(), io: directIo })));
    expect(results.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    // Each run may keep 3 in flight on its own (its cap is 4); together they still stay within the account's 3.
    expect(destination.maxInFlightSeen).toBe(3);
    expect(destination.requests).toHaveLength(80);
  });
});

describe("sync engine: definitions at run time", () => {
  it("sends every column with Sync All Columns and picks up columns added later", async () => {
    const columns: SourceColumn[] = [
      { name: "id", type: "number", nativeType: "int8" },
      { name: "score", type: "number", nativeType: "numeric" },
      { name: "meta", type: "json", nativeType: "jsonb" },
    ];
    const rows: Row[] = [{ id: 1, score: "12.50", meta: { a: 1 } }, { id: 2, score: null, meta: null }];
    const { source, destination, run } = await setup({
      rows,
      columns,
      settings: { object: "profile", behavior: "upsert", syncKey: { column: "id" }, syncAllColumns: true },
    });
    await run();
    expect(destination.profiles.get("1")).toEqual({ score: 12.5, meta: '{"a":1}' });

    source.columns.push({ name: "active", type: "boolean", nativeType: "bool" });
    for (const row of source.rows) row.active = true;
    const second = await run();
    expect(counts(second.run)).toMatchObject({ updated: 2 });
    expect(destination.profiles.get("2")).toEqual({ score: null, meta: null, active: true });
  });

  it("fails with a clear message when the sync key column is gone from the model", async () => {
    const { source, run } = await setup({ rows: makeUsers(3) });
    source.columns = USER_COLUMNS.filter((c) => c.name !== "user_id");
    const result = await run();
    expect(result.status).toBe("FAILED");
    expect(result.run.error).toContain('syncKey.column: Sync key column "user_id" is not a column of the model');
  });

  it("deletes step logs and record errors older than 14 days", async () => {
    const { run } = await setup({ rows: [...makeUsers(3), { ...makeUsers(1, 9)[0]!, user_id: null }] });
    const result = await run();
    const db = await getDb();
    expect(await db.syncRecordError.count({ where: { runId: result.runId } })).toBe(1);
    await cleanupOldRunData({ now: new Date(Date.now() + 13 * 86_400_000) });
    expect(await db.syncRunLog.count({ where: { runId: result.runId } })).toBeGreaterThan(0);
    const removed = await cleanupOldRunData({ now: new Date(Date.now() + 15 * 86_400_000) });
    expect(removed.errors).toBeGreaterThanOrEqual(1);
    expect(await db.syncRunLog.count({ where: { runId: result.runId } })).toBe(0);
    expect(await db.syncRecordError.count({ where: { runId: result.runId } })).toBe(0);
  });
});

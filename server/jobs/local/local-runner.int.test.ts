import { afterEach, describe, expect, it } from "vitest";
import type { Row, SourceColumn } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import type { SyncSettings } from "~/server/sync/definition";
import type { EngineDeps } from "~/server/sync/engine";
import { createFakeDestination, createFakeSource, type FakeDestination, type FakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture, type SyncFixture } from "~/server/sync/testing/sync-fixture";
import { cancelSyncRun } from "~/server/services/sync-runs/cancel-sync-run";
import { requestSyncRun } from "~/server/services/sync-runs/request-sync-run";
import { DestinationRequestError, SourceQueryError } from "~/server/connectors/errors";
import { claimRun } from "./claim-run";
import { startLocalRunner, type LocalRunner, type LocalRunnerOptions } from "./local-runner";

const COLUMNS: SourceColumn[] = [{ name: "user_id", type: "string", nativeType: "text" }];
const PAGE_SIZE = 10;
const EVENT_SETTINGS: Partial<SyncSettings> & Pick<SyncSettings, "syncKey"> = {
  object: "event",
  behavior: "append",
  syncKey: { column: "user_id" },
  event: { name: { constant: "Signed Up" }, identityColumn: "user_id" },
};

function users(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({ user_id: `u${String(i).padStart(4, "0")}` }));
}

const runners: LocalRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

function start(deps: () => EngineDeps, options: Partial<LocalRunnerOptions> = {}): LocalRunner {
  const runner = startLocalRunner({ pollMs: 50, scheduleTickMs: 0, cleanupEveryMs: 0, deps, ...options });
  runners.push(runner);
  return runner;
}

/** Deps that resolve the connections of several fixtures sharing one fake source and destination. */
function depsFor(fixtures: SyncFixture[]): () => EngineDeps {
  return () => {
    const all = fixtures.map((f) => f.deps());
    const first = all[0];
    if (!first) throw new Error("no fixture");
    return {
      ...first,
      async resolveConnectionConfig(connectionId, workspaceId) {
        for (const deps of all) {
          try {
            return await deps.resolveConnectionConfig(connectionId, workspaceId);
          } catch {
            // not this fixture's connection
          }
        }
        throw new Error(`Unknown connection ${connectionId}`);
      },
    };
  };
}

async function setup(rows: Row[], syncCount = 1) {
  const source: FakeSource = createFakeSource({ rows, columns: COLUMNS });
  const destination: FakeDestination = createFakeDestination({ maxBatchRecords: PAGE_SIZE });
  const fixtures: SyncFixture[] = [];
  for (let i = 0; i < syncCount; i += 1) {
    fixtures.push(await createSyncFixture({ source, destination, settings: EVENT_SETTINGS, pageSize: PAGE_SIZE }));
  }
  return { source, destination, fixtures, deps: depsFor(fixtures) };
}

/** One batch in flight, so a stop or cancel lands exactly after the page in progress. */
function oneInFlight(deps: () => EngineDeps): () => EngineDeps {
  return () => {
    const d = deps();
    return { ...d, delivery: { ...d.delivery, maxInFlight: 1 } };
  };
}

async function readRun(runId: string) {
  const db = await getDb();
  return db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } } } });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function waitForFinish(runId: string) {
  return waitFor(`run ${runId} to finish`, async () => {
    const run = await readRun(runId);
    return run.status !== "QUEUED" && run.status !== "RUNNING" && run;
  });
}

function eventCounts(destination: FakeDestination): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of destination.events) counts.set(event.key, (counts.get(event.key) ?? 0) + 1);
  return counts;
}

describe("local runner", () => {
  it("executes a queued run as soon as it is requested", async () => {
    const { destination, fixtures, deps } = await setup(users(25));
    const fixture = fixtures[0]!;
    start(deps, { pollMs: 60_000 });

    const { runId } = await requestSyncRun({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, trigger: "MANUAL" });
    const run = await waitForFinish(runId);

    expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: 25, rowsCreated: 25, pagesCommitted: 3, claimedBy: null, leaseUntil: null });
    expect(destination.events).toHaveLength(25);
  });

  it("resumes after a stop in the middle of a run, sending nothing twice", async () => {
    const { destination, fixtures, deps } = await setup(users(60));
    const fixture = fixtures[0]!;
    const first = start(oneInFlight(deps));
    let stopping: Promise<void> | undefined;
    destination.afterStore = (_records, request) => {
      if (request === 3) stopping = first.stop();
    };
    const runId = await fixture.queueRun();
    first.wake();
    await waitFor("the first runner to be stopped", async () => stopping !== undefined);
    await stopping;

    const paused = await readRun(runId);
    expect(paused).toMatchObject({ status: "RUNNING", pagesCommitted: 3, claimedBy: null, leaseUntil: null });
    destination.afterStore = undefined;

    start(deps);
    const run = await waitForFinish(runId);

    expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: 60, rowsCreated: 60, pagesCommitted: 6 });
    expect(run.logs.map((l) => l.message)).toContainEqual(expect.stringContaining("Resuming after page 3"));
    const counts = eventCounts(destination);
    expect(counts.size).toBe(60);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("takes over a run whose runner died mid-page: every row arrives, at most the in-flight batches twice", async () => {
    const { destination, fixtures, deps } = await setup(users(60));
    const fixture = fixtures[0]!;
    const crashed = start(deps);
    let freeze: () => void = () => {};
    const frozen = new Promise<void>((resolve) => (freeze = resolve));
    let reachedCrash = false;
    // The third batch is stored by the destination, then the process "dies" before committing the page.
    destination.afterStore = async (_records, request) => {
      if (request !== 3) return;
      reachedCrash = true;
      await frozen;
    };
    const runId = await fixture.queueRun();
    crashed.wake();
    await waitFor("the runner to freeze mid-page", async () => reachedCrash);

    const db = await getDb();
    // The dead process stops renewing: let its lease run out.
    await db.syncRun.update({ where: { id: runId }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const survivor = start(deps);
    const run = await waitForFinish(runId);
    freeze();
    await crashed.stop();

    expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: 60, pagesCommitted: 6 });
    expect(run.claimedBy).toBeNull();
    const counts = eventCounts(destination);
    expect(counts.size).toBe(60);
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicates).toBeGreaterThan(0);
    // At most the batches that were in flight (4 per run, one page each here) arrive twice.
    expect(duplicates).toBeLessThanOrEqual(4 * PAGE_SIZE);
    // The frozen runner woke up after the takeover and must not have committed anything.
    expect(await readRun(runId)).toMatchObject({ status: "SUCCEEDED", rowsRead: 60, pagesCommitted: 6 });
    expect(survivor.runnerId).not.toBe(crashed.runnerId);
  });

  it("never lets two runners process the same run", async () => {
    const { destination, fixtures, deps } = await setup(users(30), 4);
    destination.beforeWrite = () => new Promise((resolve) => setTimeout(resolve, 5));
    const runIds = await Promise.all(fixtures.map((f) => f.queueRun()));
    const a = start(deps);
    const b = start(deps);
    a.wake();
    b.wake();
    const runs = await Promise.all(runIds.map((id) => waitForFinish(id)));

    for (const run of runs) {
      expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: 30, attempt: 1 });
      expect(run.logs.filter((l) => l.message.startsWith("Resuming"))).toEqual([]);
    }
    // Every sync sent each key once: 4 events per key, never more.
    const counts = eventCounts(destination);
    expect(counts.size).toBe(30);
    expect([...counts.values()].every((n) => n === 4)).toBe(true);
  });

  it("runs at most two runs at once in one runner", async () => {
    const { destination, fixtures, deps } = await setup(users(20), 3);
    const db = await getDb();
    const runIds = await Promise.all(fixtures.map((f) => f.queueRun()));
    const running: number[] = [];
    destination.beforeWrite = async () => {
      running.push(await db.syncRun.count({ where: { id: { in: runIds }, status: "RUNNING" } }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    start(deps, { maxConcurrentRuns: 2 }).wake();
    const runs = await Promise.all(runIds.map((id) => waitForFinish(id)));

    expect(runs.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(Math.max(...running)).toBe(2);
  });

  it("runs a small sync of another workspace beside a workspace's long runs, not behind them", async () => {
    const { destination, fixtures, deps } = await setup(users(40), 2);
    const [busy, small] = [fixtures[0]!, fixtures[1]!];
    const busyTwin = await busy.addTwinSync();
    destination.beforeWrite = () => new Promise((resolve) => setTimeout(resolve, 40));
    const longRuns = [await busy.queueRun(), await busyTwin.queueRun()];
    const smallRun = await small.queueRun();
    start(deps, { maxConcurrentRuns: 2 }).wake();
    const finished = await Promise.all([...longRuns, smallRun].map((id) => waitForFinish(id)));
    const [first, second, other] = [finished[0]!, finished[1]!, finished[2]!];
    expect([first, second, other].map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    // One run per workspace at a time (2 slots): the small sync started before the busy workspace's second run.
    const laterLong = [first, second].sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())[1]!;
    expect(other.startedAt!.getTime()).toBeLessThan(laterLong.startedAt!.getTime());
    const earlierLong = [first, second].find((r) => r !== laterLong)!;
    expect(laterLong.startedAt!.getTime()).toBeGreaterThanOrEqual(earlierLong.finishedAt!.getTime());
  });

  it("stops a running run after the page in progress when it is cancelled", async () => {
    const { destination, fixtures, deps } = await setup(users(60));
    const fixture = fixtures[0]!;
    destination.afterStore = async (_records, request) => {
      if (request === 2) await cancelSyncRun({ workspaceId: fixture.workspaceId, runId });
    };
    const { runId } = await requestSyncRun({ workspaceId: fixture.workspaceId, syncId: fixture.syncId, trigger: "MANUAL" });
    start(oneInFlight(deps)).wake();
    const run = await waitForFinish(runId);

    expect(run).toMatchObject({ status: "CANCELLED", pagesCommitted: 2, rowsRead: 20, claimedBy: null });
    expect(destination.events).toHaveLength(20);
  });

  it("retries a run after a transient error, from its last committed page", async () => {
    const { source, destination, fixtures, deps } = await setup(users(30));
    const readPage = source.readPage.bind(source);
    let reads = 0;
    source.readPage = async (args) => {
      reads += 1;
      if (reads === 2) throw new SourceQueryError("connection reset by the warehouse", { code: "ECONNRESET", transient: true });
      return readPage(args);
    };
    const runId = await fixtures[0]!.queueRun();
    start(deps, { retryDelayMs: 10 }).wake();
    const run = await waitForFinish(runId);

    expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: 30, attempt: 2 });
    expect(run.logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^Attempt 1 of 3 failed: connection reset by the warehouse\. Retrying/));
    expect(eventCounts(destination).size).toBe(30);
    expect(destination.events).toHaveLength(30);
  });

  it("fails a run at once on a credentials error", async () => {
    const { destination, fixtures, deps } = await setup(users(5));
    destination.beforeWrite = () => {
      throw new DestinationRequestError("Fake destination refused the credentials (HTTP 401)", { status: 401, retryable: false });
    };
    const runId = await fixtures[0]!.queueRun();
    start(deps, { retryDelayMs: 10 }).wake();
    const run = await waitForFinish(runId);

    expect(run).toMatchObject({ status: "FAILED", attempt: 1, claimedBy: null, leaseUntil: null });
    expect(run.error).toContain("HTTP 401");
  });

  it("hands a run to exactly one of two runners claiming at the same moment", async () => {
    const { fixtures } = await setup(users(1));
    const db = await getDb();
    // Runs left by earlier tests in this database must not be claimable here.
    await db.syncRun.updateMany({ where: { status: { in: ["QUEUED", "RUNNING"] } }, data: { leaseUntil: new Date(Date.now() + 86_400_000) } });
    const runId = await fixtures[0]!.queueRun();
    const claims = await Promise.all([
      claimRun({ runnerId: "runner-a", leaseMs: 60_000 }),
      claimRun({ runnerId: "runner-b", leaseMs: 60_000 }),
    ]);
    const winners = claims.filter((c) => c?.id === runId);
    expect(winners).toHaveLength(1);
    const run = await readRun(runId);
    expect(["runner-a", "runner-b"]).toContain(run.claimedBy);
    // Until the lease runs out nobody else gets it; afterwards another runner may take it over.
    expect((await claimRun({ runnerId: "runner-c", leaseMs: 60_000 }))?.id).not.toBe(runId);
    const later = new Date(Date.now() + 61_000);
    expect((await claimRun({ runnerId: "runner-c", leaseMs: 60_000, now: later }))?.id).toBe(runId);
  });
});

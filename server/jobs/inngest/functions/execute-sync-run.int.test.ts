import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { DestinationRequestError } from "~/server/connectors/errors";
import type { Row, SourceColumn } from "~/server/connectors/types";
import { getDb } from "~/server/db/client";
import { createFakeDestination, createFakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture } from "~/server/sync/testing/sync-fixture";
import { pagesForStep } from "~/server/jobs/run-sync-run";
import { createExecuteSyncRun, markRunFailed } from "./execute-sync-run";

const COLUMNS: SourceColumn[] = [
  { name: "user_id", type: "string", nativeType: "text" },
  { name: "email", type: "string", nativeType: "text" },
];

function users(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({ user_id: `u${String(i).padStart(4, "0")}`, email: `user${i}@example.com` }));
}

async function setup(rows: Row[], pageSize = 10) {
  const source = createFakeSource({ rows, columns: COLUMNS });
  const destination = createFakeDestination({ maxBatchRecords: 10 });
  const fixture = await createSyncFixture({
    source,
    destination,
    pageSize,
    settings: { syncKey: { column: "user_id", identifier: "identity" }, mappings: [{ from: { column: "email" }, to: "Email", type: "string" }] },
  });
  const db = await getDb();
  const sync = await db.sync.findUniqueOrThrow({ where: { id: fixture.syncId } });
  const fn = createExecuteSyncRun({ deps: () => fixture.deps() });
  // A fresh engine per execution: one engine replays cached step results across executions.
  const execute = (runId: string) =>
    new InngestTestEngine({
      function: fn,
      events: [{ name: "sync/run.requested", data: { runId, syncId: fixture.syncId, workspaceId: fixture.workspaceId, destinationId: sync.destinationId } }],
    }).execute();
  return { source, destination, fixture, execute, db };
}

function stepIds(ctx: { step: { run: { mock: { calls: unknown[][] } } } }): string[] {
  return ctx.step.run.mock.calls.map((call) => String(call[0]));
}

describe("execute-sync-run", () => {
  it("runs prepare, page steps of up to 10 pages, finalize and verify", async () => {
    const { destination, fixture, execute, db } = await setup(users(25));
    const runId = await fixture.queueRun();

    const { result, error, ctx } = await execute(runId);

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ runId, status: "SUCCEEDED", pages: 3, verification: { message: expect.any(String) } });
    expect([...new Set(stepIds(ctx as never))]).toEqual(["prepare", "page-1", "finalize", "verify", "alert"]);
    expect(destination.profiles.size).toBe(25);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "SUCCEEDED", rowsRead: 25, rowsCreated: 25, pagesCommitted: 3, totalRows: 25 });
  });

  it("does nothing for a run that already finished (a duplicate event)", async () => {
    const { destination, fixture, execute } = await setup(users(5));
    const runId = await fixture.queueRun();
    await execute(runId);
    const sent = destination.requests.length;

    const { result } = await execute(runId);

    expect(result).toMatchObject({ runId, status: "SUCCEEDED", pages: 0 });
    expect(destination.requests.length).toBe(sent);
  });

  it("does not retry an authentication failure: the page step itself fails the run", async () => {
    const { destination, fixture, execute, db } = await setup(users(5));
    destination.beforeWrite = () => {
      throw new DestinationRequestError("Fake destination refused the credentials (HTTP 401)", { status: 401, retryable: false });
    };
    const runId = await fixture.queueRun();

    const { result, error, ctx } = await execute(runId);

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ runId, status: "FAILED" });
    // A failed run still gets its alert task (alerts fire on failure too).
    expect(stepIds(ctx as never)).toEqual(["prepare", "page-1", "alert"]);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "FAILED", attempt: 1 });
    expect(run.error).toContain("HTTP 401");
    expect(destination.requests).toHaveLength(1);
  });

  it("retries a transient failure after the engine's delay, counting the attempt on the run", async () => {
    const { source, destination, fixture, execute, db } = await setup(users(15));
    const readPage = source.readPage.bind(source);
    let reads = 0;
    source.readPage = async (args) => {
      reads += 1;
      if (reads === 2) throw new Error("connection reset by the warehouse");
      return readPage(args);
    };
    const runId = await fixture.queueRun();

    const { error } = await execute(runId);

    // @inngest/test surfaces the step's RetryAfterError; Inngest would run the step again after it.
    expect(error).toMatchObject({ name: "RetryAfterError", message: "connection reset by the warehouse" });
    const failed = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: { orderBy: { id: "asc" } } } });
    expect(failed).toMatchObject({ status: "RUNNING", attempt: 2, pagesCommitted: 1 });
    expect(failed.logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^Attempt 1 of 3 failed: connection reset by the warehouse\. Retrying in 15 s/));

    const { result } = await execute(runId);
    expect(result).toMatchObject({ status: "SUCCEEDED" });
    expect(destination.profiles.size).toBe(15);
  });

  it("marks a run failed from onFailure when an error could not be recorded", async () => {
    const { fixture, db } = await setup(users(1));
    const runId = await fixture.queueRun();
    await markRunFailed({ runId, error: new Error("database unreachable"), step: { run: (_id, fn) => fn() } });
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "FAILED", error: "database unreachable" });
  });

  it("grows pages per step so any run fits Inngest's 1,000 steps", () => {
    expect([1, 300, 301, 600, 601].map((n) => pagesForStep(n, 1))).toEqual([1, 1, 4, 4, 16]);
    expect(pagesForStep(1, 3)).toBe(3);
    let pages = 0;
    for (let n = 1; n <= 997; n += 1) pages += pagesForStep(n, 1);
    expect(pages).toBeGreaterThan(10_000);
  });
});

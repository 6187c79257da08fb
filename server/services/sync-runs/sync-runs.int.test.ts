import { describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createFakeDestination, createFakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture } from "~/server/sync/testing/sync-fixture";
import { appendRunLog, recordErrors, transitionRun } from "~/server/sync/run-status";
import { cancelSyncRun } from "./cancel-sync-run";
import { getSyncRun } from "./get-sync-run";
import { listRunErrors } from "./list-run-errors";
import { listRunLogs } from "./list-run-logs";
import { listSyncRuns } from "./list-sync-runs";
import { requestSyncRun } from "./request-sync-run";

async function createSync() {
  const source = createFakeSource({ rows: [], columns: [{ name: "id", type: "string", nativeType: "text" }] });
  return createSyncFixture({
    source,
    destination: createFakeDestination(),
    settings: { syncKey: { column: "id" }, mappings: [{ from: { column: "id" }, to: "Name", type: "string" }] },
  });
}

describe("requestSyncRun", () => {
  it("queues a run and answers the active run to later requests", async () => {
    const { workspaceId, syncId } = await createSync();
    const first = await requestSyncRun({ workspaceId, syncId, trigger: "MANUAL", requestedById: "usr_1" });
    expect(first.alreadyRunning).toBe(false);
    const second = await requestSyncRun({ workspaceId, syncId, trigger: "API" });
    expect(second).toEqual({ runId: first.runId, alreadyRunning: true });

    const run = await getSyncRun({ workspaceId, runId: first.runId });
    expect(run).toMatchObject({ status: "QUEUED", trigger: "MANUAL", requestedById: "usr_1", fullResync: false, syncName: "Test sync" });
    const { logs } = await listRunLogs({ workspaceId, runId: first.runId });
    expect(logs.map((l) => l.message)).toEqual(["Queued manually"]);

    await transitionRun({ runId: first.runId, from: ["QUEUED"], to: "SUCCEEDED" });
    const third = await requestSyncRun({ workspaceId, syncId, trigger: "SCHEDULE", fullResync: true });
    expect(third.alreadyRunning).toBe(false);
    expect(third.runId).not.toBe(first.runId);
    expect((await getSyncRun({ workspaceId, runId: third.runId })).fullResync).toBe(true);
  });

  it("creates a single run when many requests arrive at once", async () => {
    const { workspaceId, syncId } = await createSync();
    const answers = await Promise.all(Array.from({ length: 6 }, () => requestSyncRun({ workspaceId, syncId, trigger: "MANUAL" })));
    const ids = new Set(answers.map((a) => a.runId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => !a.alreadyRunning)).toHaveLength(1);
    const db = await getDb();
    expect(await db.syncRun.count({ where: { syncId } })).toBe(1);
  });

  it("does not find a sync of another workspace", async () => {
    const { syncId } = await createSync();
    const other = await createSync();
    await expect(requestSyncRun({ workspaceId: other.workspaceId, syncId, trigger: "MANUAL" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("cancelSyncRun", () => {
  it("cancels a queued run at once and flags a running one", async () => {
    const { workspaceId, syncId } = await createSync();
    const queued = await requestSyncRun({ workspaceId, syncId, trigger: "MANUAL" });
    expect(await cancelSyncRun({ workspaceId, runId: queued.runId })).toEqual({ outcome: "cancelled" });
    expect((await getSyncRun({ workspaceId, runId: queued.runId })).status).toBe("CANCELLED");
    await expect(cancelSyncRun({ workspaceId, runId: queued.runId })).rejects.toMatchObject({ code: "CONFLICT" });

    const running = await requestSyncRun({ workspaceId, syncId, trigger: "MANUAL" });
    await transitionRun({ runId: running.runId, from: ["QUEUED"], to: "RUNNING", data: { startedAt: new Date() } });
    expect(await cancelSyncRun({ workspaceId, runId: running.runId })).toEqual({ outcome: "requested" });
    expect(await getSyncRun({ workspaceId, runId: running.runId })).toMatchObject({ status: "RUNNING", cancelRequested: true });
  });

  it("does not touch a run of another workspace", async () => {
    const { workspaceId, syncId } = await createSync();
    const other = await createSync();
    const { runId } = await requestSyncRun({ workspaceId, syncId, trigger: "MANUAL" });
    await expect(cancelSyncRun({ workspaceId: other.workspaceId, runId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await getSyncRun({ workspaceId, runId })).status).toBe("QUEUED");
  });
});

describe("run views", () => {
  it("pages runs, log lines and record errors, within the workspace only", async () => {
    const { workspaceId, syncId } = await createSync();
    const runIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { runId } = await requestSyncRun({ workspaceId, syncId, trigger: "MANUAL" });
      await transitionRun({ runId, from: ["QUEUED"], to: "SUCCEEDED" });
      runIds.push(runId);
    }
    const firstPage = await listSyncRuns({ workspaceId, syncId, limit: 2 });
    expect(firstPage.runs.map((r) => r.id)).toEqual([runIds[2], runIds[1]]);
    const secondPage = await listSyncRuns({ workspaceId, syncId, limit: 2, cursor: firstPage.nextCursor ?? undefined });
    expect(secondPage.runs.map((r) => r.id)).toEqual([runIds[0]]);
    expect(secondPage.nextCursor).toBeNull();
    const other = await createSync();
    expect((await listSyncRuns({ workspaceId: other.workspaceId })).runs).toEqual([]);
    await expect(getSyncRun({ workspaceId: other.workspaceId, runId: runIds[0] ?? "" })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const runId = runIds[0] ?? "";
    for (let i = 1; i <= 4; i += 1) await appendRunLog(runId, "info", "page", `Page ${i}`);
    const head = await listRunLogs({ workspaceId, runId, limit: 3 });
    expect(head.logs.map((l) => l.message)).toEqual(["Queued manually", "Page 1", "Page 2"]);
    expect(head.hasMore).toBe(true);
    const tail = await listRunLogs({ workspaceId, runId, afterId: head.nextAfterId ?? undefined });
    expect(tail.logs.map((l) => l.message)).toEqual(["Page 3", "Page 4"]);
    expect(tail).toMatchObject({ hasMore: false, finished: true });
    const idle = await listRunLogs({ workspaceId, runId, afterId: tail.nextAfterId ?? undefined });
    expect(idle.logs).toEqual([]);
    expect(idle.nextAfterId).toBe(tail.nextAfterId);

    await recordErrors({
      runId,
      workspaceId,
      syncId,
      errors: [
        { kind: "INVALID", recordKey: "a", field: "id", reason: "duplicate sync key" },
        { kind: "REJECTED", recordKey: "b", reason: "refused", code: "E1" },
        { kind: "INVALID", recordKey: "c", field: "age", reason: "not a number" },
      ],
    });
    const invalid = await listRunErrors({ workspaceId, runId, kind: "INVALID", limit: 1 });
    expect(invalid.errors.map((e) => e.recordKey)).toEqual(["a"]);
    expect(invalid.totals).toEqual({ INVALID: 2, REJECTED: 1, DROPPED_FIELD: 0 });
    const more = await listRunErrors({ workspaceId, runId, kind: "INVALID", cursor: invalid.nextCursor ?? undefined });
    expect(more.errors.map((e) => [e.recordKey, e.field, e.reason])).toEqual([["c", "age", "not a number"]]);
    expect(more.nextCursor).toBeNull();
    await expect(listRunErrors({ workspaceId: other.workspaceId, runId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports progress from rows read and the counted total", async () => {
    const { workspaceId, syncId } = await createSync();
    const db = await getDb();
    const runId = createId("run");
    await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL", status: "RUNNING", totalRows: 200, rowsRead: 50, startedAt: new Date() } });
    const run = await getSyncRun({ workspaceId, runId });
    expect(run.progress).toBe(0.25);
    expect(run.counts.read).toBe(50);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
  });
});

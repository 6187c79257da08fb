import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { createFakeDestination, createFakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture } from "~/server/sync/testing/sync-fixture";
import { scheduleDueSyncs } from "./schedule-due-syncs";

async function createScheduledSync(nextRunAt: Date | null, enabled = true) {
  const fixture = await createSyncFixture({
    source: createFakeSource({ rows: [], columns: [{ name: "id", type: "string", nativeType: "text" }] }),
    destination: createFakeDestination(),
    settings: {
      syncKey: { column: "id" },
      mappings: [{ from: { column: "id" }, to: "Name", type: "string" }],
      schedule: { type: "interval", minutes: 15 },
    },
  });
  const db = await getDb();
  await db.sync.update({ where: { id: fixture.syncId }, data: { nextRunAt, enabled } });
  return fixture;
}

function tick() {
  // step.sendEvent would reach a real Inngest server: mock it, as @inngest/test requires.
  return new InngestTestEngine({
    function: scheduleDueSyncs,
    steps: [{ id: "request-runs", handler: () => ({ ids: ["evt"] }) }],
  }).execute();
}

describe("schedule-due-syncs", () => {
  it("queues each due sync once, sends one event per run with a deterministic id, and moves nextRunAt", async () => {
    const db = await getDb();
    const dueAt = new Date(Date.now() - 60_000);
    const due = await createScheduledSync(dueAt);
    const later = await createScheduledSync(new Date(Date.now() + 3_600_000));
    const disabled = await createScheduledSync(dueAt, false);

    const { result, error, ctx } = await tick();

    expect(error).toBeUndefined();
    const runs = await db.syncRun.findMany({ where: { syncId: { in: [due.syncId, later.syncId, disabled.syncId] } } });
    expect(runs).toHaveLength(1);
    const run = runs[0];
    expect(run).toMatchObject({ syncId: due.syncId, trigger: "SCHEDULE", status: "QUEUED" });
    expect(result).toMatchObject({ runIds: expect.arrayContaining([run?.id]) });

    const sendCalls = (ctx.step.sendEvent as unknown as { mock: { calls: [string, { name: string; id: string; data: Record<string, string> }[]][] } }).mock.calls;
    expect(sendCalls).toHaveLength(1);
    const events = sendCalls[0]?.[1] ?? [];
    const event = events.find((e) => e.data.syncId === due.syncId);
    expect(event).toMatchObject({
      name: "sync/run.requested",
      id: `schedule-${due.syncId}-${dueAt.toISOString()}`,
      data: { runId: run?.id, syncId: due.syncId, workspaceId: due.workspaceId },
    });
    const sync = await db.sync.findUniqueOrThrow({ where: { id: due.syncId } });
    expect(sync.nextRunAt?.toISOString()).toBe(new Date(dueAt.getTime() + 15 * 60_000).toISOString());

    // The next tick finds nothing due for that sync.
    const again = await tick();
    expect(again.error).toBeUndefined();
    expect(await db.syncRun.count({ where: { syncId: due.syncId } })).toBe(1);
  });

  it("skips an occurrence while the sync's previous run is still active", async () => {
    const db = await getDb();
    const fixture = await createScheduledSync(new Date(Date.now() - 1000));
    const active = await fixture.queueRun();

    await tick();

    const runs = await db.syncRun.findMany({ where: { syncId: fixture.syncId } });
    expect(runs.map((r) => r.id)).toEqual([active]);
    const logs = await db.syncRunLog.findMany({ where: { runId: active } });
    expect(logs.map((l) => l.message)).toEqual([expect.stringContaining("skipped: this run was still in progress")]);
    const sync = await db.sync.findUniqueOrThrow({ where: { id: fixture.syncId } });
    expect(sync.nextRunAt?.getTime() ?? 0).toBeGreaterThan(Date.now());
  });
});

import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { createFakeDestination, createFakeSource } from "~/server/sync/testing/fake-connectors";
import { createSyncFixture } from "~/server/sync/testing/sync-fixture";
import { transitionRun } from "~/server/sync/run-status";
import { finishCancelledRun } from "./finish-cancelled-run";

describe("finish-cancelled-run", () => {
  it("marks the run of a cancelled execute-sync-run as CANCELLED", async () => {
    const fixture = await createSyncFixture({
      source: createFakeSource({ rows: [], columns: [{ name: "id", type: "string", nativeType: "text" }] }),
      destination: createFakeDestination(),
      settings: { syncKey: { column: "id" }, mappings: [{ from: { column: "id" }, to: "Name", type: "string" }] },
    });
    const runId = await fixture.queueRun();
    await transitionRun({ runId, from: ["QUEUED"], to: "RUNNING", data: { cancelRequested: true } });

    const { result, error } = await new InngestTestEngine({
      function: finishCancelledRun,
      events: [
        {
          name: "inngest/function.cancelled",
          data: { function_id: "tidewater-execute-sync-run", run_id: "01J", event: { name: "sync/run.requested", data: { runId } } },
        },
      ],
    }).execute();

    expect(error).toBeUndefined();
    expect(result).toEqual({ cancelled: true });
    const db = await getDb();
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: true } });
    expect(run.status).toBe("CANCELLED");
    expect(run.finishedAt).not.toBeNull();
    expect(run.logs.map((l) => l.message)).toEqual(["Cancelled"]);
  });
});

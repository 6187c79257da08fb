/**
 * Test-only: a workspace, two connections and a sync created directly with Prisma, wired to fake
 * connectors, plus helpers to queue and inspect runs.
 */
import { getDb } from "~/server/db/client";
import type { RunTrigger } from "~/server/db/generated/client";
import { createId } from "~/server/lib/ids";
import type { SyncSettings } from "../definition";
import type { DeliveryOptions } from "../deliver";
import type { EngineDeps } from "../engine";
import type { FakeDestination, FakeSource } from "./fake-connectors";

export type SyncFixture = {
  workspaceId: string;
  syncId: string;
  /** Queues a run the way services will. */
  queueRun(p?: { fullResync?: boolean; trigger?: RunTrigger }): Promise<string>;
  /** Another sync in the same workspace on the same two connections; answers a fixture for it. */
  addTwinSync(): Promise<SyncFixture>;
  deps(extra?: Partial<EngineDeps>): EngineDeps;
  /** Delays the engine asked to wait, recorded instead of slept. */
  sleeps: number[];
};

export async function createSyncFixture(p: {
  source: FakeSource;
  destination: FakeDestination;
  settings: Partial<SyncSettings> & Pick<SyncSettings, "syncKey">;
  pageSize?: number;
  delivery?: DeliveryOptions;
}): Promise<SyncFixture> {
  const db = await getDb();
  const workspaceId = createId("ws");
  const sourceId = createId("conn");
  const destinationId = createId("conn");
  const syncId = createId("sync");
  await db.workspace.create({ data: { id: workspaceId, name: "Test", slug: workspaceId } });
  await db.connection.createMany({
    data: [
      { id: sourceId, workspaceId, name: "Source", type: p.source.id, kind: "SOURCE", config: {} },
      { id: destinationId, workspaceId, name: "Destination", type: p.destination.id, kind: "DESTINATION", config: {} },
    ],
  });
  const settings = p.settings;
  await db.sync.create({
    data: {
      id: syncId,
      workspaceId,
      name: "Test sync",
      sourceId,
      destinationId,
      model: settings.model ?? { type: "table", schema: "public", table: "rows" },
      object: settings.object ?? "profile",
      behavior: settings.behavior ?? "upsert",
      syncKey: settings.syncKey,
      mappings: settings.mappings ?? [],
      syncAllColumns: settings.syncAllColumns ?? false,
      event: settings.event ?? undefined,
      initialSync: settings.initialSync ?? "all",
      schedule: settings.schedule ?? { type: "manual" },
    },
  });

  const sleeps: number[] = [];
  const types = new Map([
    [sourceId, p.source.id],
    [destinationId, p.destination.id],
  ]);
  const fixtureFor = (id: string): SyncFixture => ({
    workspaceId,
    syncId: id,
    sleeps,
    async queueRun(options = {}) {
      const runId = createId("run");
      await db.syncRun.create({
        data: { id: runId, workspaceId, syncId: id, trigger: options.trigger ?? "MANUAL", fullResync: options.fullResync ?? false },
      });
      return runId;
    },
    async addTwinSync() {
      const twinId = createId("sync");
      const columns = await db.$queryRaw<{ name: string }[]>`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'Sync'`;
      const copied = columns.map((c) => (c.name === "id" ? "$1" : c.name === "name" ? "$1" : `"${c.name}"`));
      await db.$executeRawUnsafe(
        `INSERT INTO "Sync" (${columns.map((c) => `"${c.name}"`).join(", ")}) SELECT ${copied.join(", ")} FROM "Sync" WHERE "id" = $2`,
        twinId,
        syncId,
      );
      return fixtureFor(twinId);
    },
    deps(extra = {}) {
      return {
        async resolveConnectionConfig(connectionId, ws) {
          const type = types.get(connectionId);
          if (!type || ws !== workspaceId) throw new Error(`Unknown connection ${connectionId}`);
          return { type, config: {} };
        },
        connectors: { source: () => p.source, destination: () => p.destination },
        pageSize: p.pageSize,
        delivery: {
          sleep: async (ms) => {
            sleeps.push(ms);
          },
          ...p.delivery,
        },
        ...extra,
      };
    },
  });
  return fixtureFor(syncId);
}

import { describe, expect, it } from "vitest";
import { DestinationRequestError } from "~/server/connectors/errors";
import type { OutRecord } from "~/server/connectors/types";
import { createBatchSender, DeliveryError, deliverRecords, planBatches, retryTransient } from "./deliver";
import { createFakeDestination } from "./testing/fake-connectors";

function records(count: number, size = 10): OutRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `k${i}`, identifier: { type: "identity", value: `k${i}` }, fields: { Note: "n".repeat(size) } }));
}

describe("planBatches", () => {
  it("keeps batches under the record and byte limits and sets oversized records aside", () => {
    const destination = createFakeDestination({ maxBatchRecords: 4, maxBatchBytes: 400, maxRecordBytes: 300 });
    const object = destination.objects[0]!;
    const input = [...records(9), { key: "big", identifier: { type: "identity", value: "big" }, fields: { Note: "x".repeat(500) } }];
    const { batches, oversized } = planBatches({ destination, object, records: input });
    expect(oversized.map((o) => o.record.key)).toEqual(["big"]);
    expect(oversized[0]!.limit).toBe(300);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(4);
      const bytes = batch.reduce((sum, r) => sum + destination.measureRecord({ object, record: r }), 0);
      expect(bytes).toBeLessThanOrEqual(400);
    }
    expect(batches.flat().map((r) => r.key)).toEqual(input.slice(0, 9).map((r) => r.key));
  });
});

describe("deliverRecords", () => {
  it("backs off with full jitter, never sooner than Retry-After, and gives up after the attempt cap", async () => {
    const destination = createFakeDestination();
    const object = destination.objects[0]!;
    destination.beforeWrite = () => {
      throw new DestinationRequestError("Service unavailable", { status: 503, retryable: true });
    };
    const sleeps: number[] = [];
    const attempt = deliverRecords({
      destination,
      config: {},
      object,
      behavior: "upsert",
      records: records(3),
      options: { sleep: async (ms) => void sleeps.push(ms), random: () => 1, baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 6 },
    });
    await expect(attempt).rejects.toThrow(new DeliveryError("Fake destination refused the request (HTTP 503): Service unavailable (gave up after 6 attempts)", []));
    expect(sleeps).toEqual([100, 200, 400, 800, 1000]);
    expect(destination.requests).toHaveLength(6);
  });

  it("stops retrying when the total wait would pass its cap", async () => {
    const destination = createFakeDestination();
    destination.beforeWrite = () => {
      throw new DestinationRequestError("Too many requests", { status: 429, retryable: true, retryAfterMs: 40_000 });
    };
    const sleeps: number[] = [];
    await expect(
      deliverRecords({
        destination,
        config: {},
        object: destination.objects[0]!,
        behavior: "upsert",
        records: records(1),
        options: { sleep: async (ms) => void sleeps.push(ms), maxTotalWaitMs: 100_000 },
      }),
    ).rejects.toThrow(/gave up after 3 attempts/);
    expect(sleeps).toEqual([40_000, 40_000]);
  });

  it("keeps the answers of batches that completed before a failure", async () => {
    const destination = createFakeDestination({ maxBatchRecords: 2 });
    destination.beforeWrite = (_records, n) => {
      if (n === 3) throw new DestinationRequestError("Unauthorized", { status: 401, retryable: false });
    };
    const error = await deliverRecords({
      destination,
      config: {},
      object: destination.objects[0]!,
      behavior: "upsert",
      records: records(8),
      options: { maxInFlight: 1 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).completed.map((r) => r.key)).toEqual(["k0", "k1", "k2", "k3"]);
    expect(destination.requests).toHaveLength(3);
  });

  it("honours the object's concurrency limit", async () => {
    const destination = createFakeDestination({ maxBatchRecords: 1, maxConcurrency: 2 });
    const { results, requests } = await deliverRecords({ destination, config: {}, object: destination.objects[0]!, behavior: "upsert", records: records(10) });
    expect(requests).toBe(10);
    expect(results.every((r) => r.status === "accepted")).toBe(true);
    expect(destination.maxInFlightSeen).toBe(2);
  });

  it("stops when the signal aborts", async () => {
    const destination = createFakeDestination({ maxBatchRecords: 1 });
    const controller = new AbortController();
    destination.beforeWrite = (_r, n) => {
      if (n === 2) controller.abort(new Error("cancelled by user"));
    };
    await expect(
      deliverRecords({ destination, config: {}, object: destination.objects[0]!, behavior: "upsert", records: records(10), signal: controller.signal, options: { maxInFlight: 1 } }),
    ).rejects.toThrow("cancelled by user");
    expect(destination.requests.length).toBeLessThanOrEqual(2);
  });
});

describe("createBatchSender pacing and retryTransient", () => {
  it("runs beforeRequest before every request, retries included", async () => {
    const destination = createFakeDestination();
    destination.beforeWrite = (_records, n) => {
      if (n === 1) throw new DestinationRequestError("Too many requests", { status: 429, retryable: true, retryAfterMs: 5 });
    };
    const paced: number[] = [];
    const sender = createBatchSender({
      destination,
      config: {},
      object: destination.objects[0]!,
      behavior: "upsert",
      options: { sleep: async () => {} },
      beforeRequest: async () => void paced.push(destination.requests.length),
    });
    const results = await sender.send(records(2));
    expect(results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
    expect(paced).toEqual([0, 1]);
    expect(sender.retries).toBe(1);
  });

  it("retries reads on retryable errors, never sooner than Retry-After, and passes other errors through", async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const value = await retryTransient(
      async () => {
        calls += 1;
        if (calls === 1) throw new DestinationRequestError("reset", { retryable: true, code: "network" });
        if (calls === 2) throw new DestinationRequestError("slow down", { status: 429, retryable: true, retryAfterMs: 3000 });
        return "read";
      },
      { label: "Fake", options: { sleep: async (ms) => void sleeps.push(ms), random: () => 0 } },
    );
    expect(value).toBe("read");
    expect(sleeps).toEqual([0, 3000]);
    const refused = retryTransient(
      async () => {
        throw new DestinationRequestError("bad key", { status: 401, retryable: false });
      },
      { label: "Fake" },
    );
    await expect(refused).rejects.toThrow("bad key");
  });
});

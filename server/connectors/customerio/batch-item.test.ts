import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { OutRecord } from "../types";
import { buildBatchItem, measureRecordItem, serializeRecords, toEventUlid } from "./batch-item";

/** The first implementation, kept as the reference: the ids of events already sent must never change. */
function referenceUlid(eventName: string, eventId: string): string {
  const digest = createHash("sha256").update(`${eventName}\u0000${eventId}`).digest();
  let value = BigInt(`0x${digest.subarray(0, 16).toString("hex")}`);
  let ulid = "";
  for (let i = 0; i < 26; i += 1) {
    ulid = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[Number(value & 31n)]! + ulid;
    value >>= 5n;
  }
  return ulid;
}

const event = (key: string, amount: number): OutRecord => ({
  key,
  identifier: { type: "id", value: `u-${key}` },
  fields: { amount, at: new Date("2026-01-02T03:04:05Z") },
  event: { name: "purchase", id: key, timestamp: new Date("2026-01-02T03:04:05Z") },
});

describe("toEventUlid", () => {
  it("gives every event the id the first implementation gave it", () => {
    const ids = [...Array.from({ length: 2000 }, (_, i) => String(i * 7919)), "", "é-ü", "order:42", "x".repeat(300)];
    for (const id of ids) expect(toEventUlid("purchase", id)).toBe(referenceUlid("purchase", id));
    expect(toEventUlid("Signed Up", "42")).not.toBe(toEventUlid("purchase", "42"));
  });

  it("keeps an id that already is a ULID, upper-cased", () => {
    expect(toEventUlid("purchase", "01arz3ndektsv4rrffq69g5fav")).toBe("01ARZ3NDEKTSV4RRFFQ69G5FAV");
  });
});

describe("serializeRecords", () => {
  it("sends the same body as serialising the built items, and measures each item with its comma", () => {
    const records = [event("1", 10), event("2", 20.5)];
    for (const record of records) {
      const bytes = measureRecordItem("event", "update", record);
      expect(bytes).toBe(Buffer.byteLength(JSON.stringify(buildBatchItem("event", "update", record))) + 1);
    }
    expect(serializeRecords("event", "append", records)).toBe(JSON.stringify({ batch: records.map((r) => buildBatchItem("event", "append", r)) }));
  });

  it("never sends a person measured under another behaviour with that behaviour's attributes", () => {
    const person: OutRecord = { key: "p1", identifier: { type: "email", value: "a@example.com" }, fields: { plan: "pro" } };
    measureRecordItem("person", "update", person);
    const body = JSON.parse(serializeRecords("person", "upsert", [person])) as { batch: { attributes: Record<string, unknown> }[] };
    expect(body.batch[0]!.attributes).toEqual({ plan: "pro" });
  });
});

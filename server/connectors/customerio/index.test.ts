import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import {
  CUSTOMERIO_SIM_API_KEY,
  CUSTOMERIO_SIM_APP_API_KEY,
  CUSTOMERIO_SIM_ENVIRONMENT_ID,
  CUSTOMERIO_SIM_SITE_ID,
  startCustomerioSimulator,
  type CustomerioSimulator,
} from "~/e2e/simulators/customerio/server";
import { describeDestinationContract } from "../testing/destination-contract";
import { DestinationRequestError } from "../errors";
import type { DestinationObject, OutRecord } from "../types";
import { customerioConnector, type CustomerioConfig } from "./index";

const config: CustomerioConfig = { siteId: CUSTOMERIO_SIM_SITE_ID, apiKey: CUSTOMERIO_SIM_API_KEY, region: "us", appApiKey: CUSTOMERIO_SIM_APP_API_KEY };
const person = customerioConnector.objects.find((o) => o.id === "person")!;
const event = customerioConnector.objects.find((o) => o.id === "event")!;

function makeRecord(i: number, object: DestinationObject): OutRecord {
  if (object.id === "event") {
    return {
      key: `order-${i}`,
      identifier: { type: "id", value: `user-${i}` },
      fields: { amount: i * 10, currency: "EUR" },
      event: { name: "purchase", id: `order-${i}`, timestamp: new Date("2024-04-25T00:00:00Z") },
    };
  }
  return {
    key: `user-${i}`,
    identifier: { type: "id", value: `user-${i}` },
    fields: { email: `user-${i}@example.com`, first_name: `User ${i}`, created_at: new Date("2023-11-14T22:13:20.750Z"), vip: i % 2 === 0 },
  };
}

function pointAt(url: string | undefined) {
  env.CUSTOMERIO_TRACK_BASE_URL = url;
  env.CUSTOMERIO_APP_BASE_URL = url;
}

describeDestinationContract("Customer.io", async () => {
  const sim = await startCustomerioSimulator();
  pointAt(sim.url);
  return {
    connector: customerioConnector,
    config,
    badConfig: { ...config, apiKey: "wrong-key", appApiKey: "wrong-app-key" },
    secretFields: ["apiKey", "appApiKey"],
    makeRecord,
    teardown: async () => {
      pointAt(undefined);
      await sim.close();
    },
  };
});

describe("Customer.io connector against the simulator", () => {
  let sim: CustomerioSimulator;
  const simPost = (path: string, body: unknown) => fetch(`${sim.url}${path}`, { method: "POST", body: JSON.stringify(body) });
  const records = async () =>
    (await (await fetch(`${sim.url}/__sim/records`)).json()) as {
      people: { id: string | null; cio_id: string; attributes: Record<string, unknown> }[];
      events: { name: string; id: string | null; timestamp: number; data: Record<string, unknown> }[];
    };
  const faults = (body: Record<string, number>) => simPost("/__sim/faults", body);
  const writeError = async (records: OutRecord[], cfg: CustomerioConfig = config) => {
    const error = await customerioConnector.write({ config: cfg, object: person, behavior: "upsert", records }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DestinationRequestError);
    return error as DestinationRequestError;
  };

  beforeAll(async () => {
    sim = await startCustomerioSimulator();
    pointAt(sim.url);
  });
  afterAll(async () => {
    pointAt(undefined);
    await sim.close();
  });
  beforeEach(async () => {
    pointAt(sim.url);
    await simPost("/__sim/reset", {});
  });

  describe("check", () => {
    it("names the workspace, and says which region the account is in when it differs", async () => {
      const ok = await customerioConnector.check({ config });
      expect(ok).toEqual({ ok: true, message: expect.stringContaining(`workspace ${CUSTOMERIO_SIM_ENVIRONMENT_ID}`) });

      const eu = await startCustomerioSimulator({ region: "eu" });
      try {
        pointAt(eu.url);
        const wrong = await customerioConnector.check({ config });
        expect(wrong.ok).toBe(false);
        expect(wrong.message).toContain("Europe region");
        expect((await customerioConnector.check({ config: { ...config, region: "eu" } })).ok).toBe(true);
      } finally {
        await eu.close();
      }
    });

    it("explains a 401, a bad App API key and an unreachable host", async () => {
      const rejected = await customerioConnector.check({ config: { ...config, apiKey: "secret-typo" } });
      expect(rejected.ok).toBe(false);
      expect(rejected.message).toContain("Customer.io rejected the Site ID or API Key");
      expect(rejected.message).not.toContain("secret-typo");

      const badApp = await customerioConnector.check({ config: { ...config, appApiKey: "app-typo" } });
      expect(badApp.ok).toBe(false);
      expect(badApp.message).toContain("App API Key");

      pointAt("http://127.0.0.1:1");
      const unreachable = await customerioConnector.check({ config });
      expect(unreachable).toEqual({ ok: false, message: expect.stringContaining("127.0.0.1:1") });
    });
  });

  describe("write", () => {
    it("maps 207 per-item errors to rejected results by index", async () => {
      const bad = { ...makeRecord(2, person), fields: { plan: "x".repeat(1001) } };
      const results = await customerioConnector.write({ config, object: person, behavior: "upsert", records: [makeRecord(1, person), bad, makeRecord(3, person)] });
      expect(results).toEqual([
        { key: "user-1", status: "accepted" },
        { key: "user-2", status: "rejected", code: "invalid", field: "plan", message: "attributes.plan: property value cannot be longer than 1000 bytes" },
        { key: "user-3", status: "accepted" },
      ]);
      expect((await records()).people.map((p) => p.id).sort()).toEqual(["user-1", "user-3"]);
    });

    it("sends dates as epoch seconds", async () => {
      await customerioConnector.write({ config, object: person, behavior: "upsert", records: [makeRecord(1, person)] });
      await customerioConnector.write({ config, object: event, behavior: "append", records: [makeRecord(1, event)] });
      const stored = await records();
      expect(stored.people[0]!.attributes.created_at).toBe(1700000000);
      expect(stored.events[0]).toMatchObject({ name: "purchase", timestamp: 1714003200, data: { amount: 10, currency: "EUR" } });
    });

    it("update-only updates known people and never creates others", async () => {
      await customerioConnector.write({ config, object: person, behavior: "upsert", records: [makeRecord(1, person)] });
      const changed = { ...makeRecord(1, person), fields: { first_name: "Renamed" } };
      const results = await customerioConnector.write({ config, object: person, behavior: "update", records: [changed, makeRecord(2, person)] });
      expect(results.map((r) => r.status)).toEqual(["accepted", "accepted"]);
      const people = (await records()).people;
      expect(people.map((p) => [p.id, p.attributes.first_name])).toEqual([["user-1", "Renamed"]]);
    });

    it("de-duplicates events through a deterministic ULID event id", async () => {
      const first = makeRecord(1, event);
      await customerioConnector.write({ config, object: event, behavior: "append", records: [first, makeRecord(2, event)] });
      // A re-sent batch (a retry after a crash) must not create a second event.
      await customerioConnector.write({ config, object: event, behavior: "append", records: [first] });
      const ulid = "01HZX3K7Q8R9S0T1V2W3X4Y5Z6";
      await customerioConnector.write({ config, object: event, behavior: "append", records: [{ ...first, key: "k", event: { name: "purchase", id: ulid } }] });
      const events = (await records()).events;
      expect(events).toHaveLength(3);
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
      for (const e of events) expect(e.id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
      expect(events[2]!.id).toBe(ulid);
      const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { duplicateEvents: number };
      expect(stats.duplicateEvents).toBe(1);
    });

    it("throws retryable errors with Retry-After for 429, and for 5xx and dropped connections", async () => {
      await faults({ rate429: 1, retryAfterSeconds: 3 });
      const limited = await writeError([makeRecord(1, person)]);
      expect(limited.options).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 });

      await faults({ rate5xx: 1 });
      expect((await writeError([makeRecord(1, person)])).options).toMatchObject({ retryable: true });

      await faults({ resetRate: 1 });
      const reset = await writeError([makeRecord(1, person)]);
      expect(reset.options.retryable).toBe(true);
      expect(reset.message).toContain(new URL(sim.url).host);
    });

    it("throws a non-retryable error for 401 and a batchRejected one for an oversized body", async () => {
      const unauthorized = await writeError([makeRecord(1, person)], { ...config, apiKey: "nope" });
      expect(unauthorized.options).toMatchObject({ status: 401, retryable: false });
      expect(unauthorized.message).toBe("Customer.io rejected the Site ID or API Key. Copy both again from Account Settings > API Credentials, and check the Region.");

      const wide = Array.from({ length: 20 }, (_, i) => {
        const fields: Record<string, string> = {};
        for (let a = 0; a < 30; a += 1) fields[`a${a}`] = "v".repeat(900);
        return { ...makeRecord(i, person), fields };
      });
      const oversized = await writeError(wide);
      expect(oversized.options).toMatchObject({ status: 400, retryable: false, batchRejected: true });
    });
  });

  describe("limits and validation", () => {
    it("measures records as the bytes they add to a batch, within the declared limits", () => {
      const record = makeRecord(1, person);
      const size = customerioConnector.measureRecord({ object: person, record });
      const item = { type: "person", identifiers: { id: "user-1" }, action: "identify", attributes: { ...record.fields, created_at: 1700000000, _update: true } };
      expect(size).toBe(Buffer.byteLength(JSON.stringify(item)) + 1);
      expect(person.limits).toMatchObject({ maxBatchBytes: 500_000 - '{"batch":[]}'.length, maxRecordBytes: 32_000 });
    });

    it("names the field and reason for documented limits", () => {
      const check = (record: OutRecord, object = person) => customerioConnector.validateRecord({ object, behavior: object.behaviors[0]!.id, record });
      const base = makeRecord(1, person);
      expect(check({ ...base, identifier: { type: "email", value: "not-an-email" } })).toEqual([expect.objectContaining({ field: "email" })]);
      expect(check({ ...base, identifier: { type: "id", value: "x".repeat(151) } })).toEqual([expect.objectContaining({ field: "id", code: "identifier_too_long" })]);
      expect(check({ ...base, identifier: { type: "cio_id", value: "cio_03000001" } })).toEqual([]);
      expect(check({ ...base, fields: { ["n".repeat(151)]: 1 } })).toEqual([expect.objectContaining({ field: "n".repeat(151), code: "name_too_long" })]);
      expect(check({ ...base, fields: { created_at: 1700000000000 } })).toEqual([expect.objectContaining({ field: "created_at", code: "invalid_timestamp" })]);
      expect(check({ ...base, fields: { _update: false } })).toEqual([expect.objectContaining({ field: "_update" })]);
      expect(check({ ...base, fields: { signup: new Date("nope") } })).toEqual([expect.objectContaining({ field: "signup", code: "invalid_date" })]);

      const wide: Record<string, string> = {};
      for (let a = 0; a < 40; a += 1) wide[`a${a}`] = "v".repeat(900 + a);
      expect(check({ ...base, fields: wide })).toEqual([expect.objectContaining({ field: "a39", code: "record_too_large" })]);

      const evt = makeRecord(1, event);
      expect(check({ ...evt, event: { name: "  " } }, event)).toEqual([expect.objectContaining({ field: "event.name" })]);
      expect(check({ ...evt, event: { name: "e".repeat(101) } }, event)).toEqual([expect.objectContaining({ field: "event.name", code: "name_too_long" })]);
    });
  });

  describe("readBack and dashboard links", () => {
    it("returns null without an App API key and for events", async () => {
      const records = [makeRecord(1, person)];
      expect(await customerioConnector.readBack({ config: { ...config, appApiKey: undefined }, object: person, records })).toBeNull();
      expect(await customerioConnector.readBack({ config: { ...config, appApiKey: "" }, object: person, records })).toBeNull();
      expect(await customerioConnector.readBack({ config, object: event, records: [makeRecord(1, event)] })).toBeNull();
    });

    it("reads people back as comparable values and sees changes made in Customer.io", async () => {
      const sent = [makeRecord(1, person), makeRecord(2, person)];
      await customerioConnector.write({ config, object: person, behavior: "upsert", records: sent });
      await simPost("/__sim/people/user-2", { first_name: "Edited in Customer.io" });
      const missing = makeRecord(3, person);
      const read = await customerioConnector.readBack({ config, object: person, records: [...sent, missing] });
      const cioIds = new Map((await records()).people.map((p) => [p.id, p.cio_id]));
      expect(read).toEqual([
        {
          key: "user-1",
          found: true,
          externalId: cioIds.get("user-1"),
          fields: { email: "user-1@example.com", first_name: "User 1", created_at: new Date(1700000000 * 1000), vip: false },
        },
        {
          key: "user-2",
          found: true,
          externalId: cioIds.get("user-2"),
          fields: { email: "user-2@example.com", first_name: "Edited in Customer.io", created_at: new Date(1700000000 * 1000), vip: true },
        },
        { key: "user-3", found: false },
      ]);

      const links = await customerioConnector.dashboardLinks({ config, object: person, records: read! });
      const base = `https://us.fly.customer.io/workspaces/${CUSTOMERIO_SIM_ENVIRONMENT_ID}/journeys/people`;
      expect(links).toEqual([
        { label: "People in Customer.io", url: base },
        { label: "Person user-1 in Customer.io", url: `${base}/${cioIds.get("user-1")}/activity` },
        { label: "Person user-2 in Customer.io", url: `${base}/${cioIds.get("user-2")}/activity` },
      ]);
    });

    it("reads more than one page of people under the App API rate limit", async () => {
      const sent = Array.from({ length: 250 }, (_, i) => makeRecord(i, person));
      await customerioConnector.write({ config, object: person, behavior: "upsert", records: sent });
      const read = await customerioConnector.readBack({ config, object: person, records: sent });
      expect(read!.filter((r) => r.found)).toHaveLength(250);
    });

    it("rejects a wrong App API key with a clear error", async () => {
      const error = await customerioConnector
        .readBack({ config: { ...config, appApiKey: "wrong" }, object: person, records: [makeRecord(1, person)] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DestinationRequestError);
      expect((error as Error).message).toContain("App API Key");
    });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { DestinationRequestError } from "../errors";
import { describeDestinationContract } from "../testing/destination-contract";
import type { DestinationObject, OutRecord } from "../types";
import { clevertapConnector, resolveClevertapApiBase, type ClevertapConfig } from "./index";

const goodConfig: ClevertapConfig = { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" };
const profileObject = clevertapConnector.objects.find((o) => o.id === "profile")!;
const eventObject = clevertapConnector.objects.find((o) => o.id === "event")!;

function makeRecord(i: number, object: DestinationObject): OutRecord {
  const identifier = { type: "identity", value: `user-${i}` };
  if (object.type === "event") {
    return { key: `order-${i}`, identifier, fields: { Amount: 10 * i, Currency: "EUR" }, event: { name: "Charged", timestamp: new Date(Date.UTC(2024, 0, i + 1)) } };
  }
  return { key: `user-${i}`, identifier, fields: { Name: `User ${i}`, Email: `user${i}@example.com`, Phone: `+1415555${String(1000 + i)}` } };
}

async function catchRequestError(promise: Promise<unknown>): Promise<DestinationRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DestinationRequestError)) throw new Error(`expected a DestinationRequestError, got ${String(error)}`);
  return error;
}

async function withSimulator(): Promise<ClevertapSimulator> {
  const sim = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = sim.url;
  return sim;
}

describeDestinationContract("CleverTap", async () => {
  const sim = await withSimulator();
  return {
    connector: clevertapConnector,
    config: goodConfig,
    badConfig: { ...goodConfig, passcode: "WRONG-PASSCODE-123" },
    secretFields: ["passcode"],
    makeRecord,
    teardown: () => sim.close(),
  };
});

describe("CleverTap connector", () => {
  let sim: ClevertapSimulator;
  const setFaults = (faults: object) => fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify(faults) });

  beforeAll(async () => {
    sim = await withSimulator();
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    env.CLEVERTAP_API_BASE_URL = sim.url;
    sim.store.reset();
  });

  it("names the region in the message when credentials are refused", async () => {
    const result = await clevertapConnector.check({ config: { ...goodConfig, passcode: "bad" } });
    expect(result).toEqual({ ok: false, message: "CleverTap rejected the Account ID or Passcode for region US (us1)" });
    const unknownAccount = await clevertapConnector.check({ config: { accountId: "NOPE", passcode: SIM_PASSCODE, region: "in1" } });
    expect(unknownAccount.message).toBe("CleverTap rejected the Account ID or Passcode for region India (in1)");
    expect(sim.store.stats.uploads).toBe(0);
    expect(sim.store.profiles).toEqual([]);
  });

  it("names the host when CleverTap cannot be reached", async () => {
    const closed = await startClevertapSimulator({ port: 0 });
    await closed.close();
    env.CLEVERTAP_API_BASE_URL = closed.url;
    const result = await clevertapConnector.check({ config: goodConfig });
    expect(result.ok).toBe(false);
    expect(result.message).toContain(`Could not reach CleverTap at 127.0.0.1:${closed.port}`);
  });

  it("maps unprocessed records to rejections by record number, in order", async () => {
    const records: OutRecord[] = [
      makeRecord(1, profileObject),
      { key: "bad-phone", identifier: { type: "identity", value: "bad-phone" }, fields: { Phone: "4155551234" } },
      makeRecord(3, profileObject),
      { key: "bad-email", identifier: { type: "identity", value: "bad-email" }, fields: { Email: "1234" } },
    ];
    const results = await clevertapConnector.write({ config: goodConfig, object: profileObject, behavior: "upsert", records });
    expect(results).toEqual([
      { key: "user-1", status: "accepted" },
      { key: "bad-phone", status: "rejected", code: "516", field: "Phone", message: "Profile data is incorrect. Phone number is not valid." },
      { key: "user-3", status: "accepted" },
      { key: "bad-email", status: "rejected", code: "515", field: "Email", message: "Profile data is incorrect. Email is not valid." },
    ]);
    expect(sim.store.profiles.map((p) => p.identity)).toEqual(["user-1", "user-3"]);
  });

  it("flags the same problems before sending", () => {
    const problems = clevertapConnector.validateRecord({
      object: profileObject,
      behavior: "upsert",
      record: { key: "k", identifier: { type: "identity", value: "k" }, fields: { Phone: "4155551234", Gender: "X", "a:b": 1, Bio: "x".repeat(513) } },
    });
    expect(problems.map((p) => p.field)).toEqual(["Phone", "Gender", "a:b", "Bio"]);
    const eventProblems = clevertapConnector.validateRecord({
      object: eventObject,
      behavior: "append",
      record: { key: "e", identifier: { type: "identity", value: "u" }, fields: {}, event: { name: "Web Page Viewed" } },
    });
    expect(eventProblems).toEqual([expect.objectContaining({ field: "evtName", code: "513" })]);
  });

  it("throws a retryable error with retryAfterMs on 429", async () => {
    await setFaults({ rate429: 1, retryAfterSeconds: 3 });
    const error = await catchRequestError(
      clevertapConnector.write({ config: goodConfig, object: profileObject, behavior: "upsert", records: [makeRecord(1, profileObject)] }),
    );
    expect(error.options).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 });
  });

  it("throws a non-retryable error on 401, a retryable one on 503, and batchRejected on 400", async () => {
    const records = [makeRecord(1, profileObject)];
    const unauthorized = await catchRequestError(
      clevertapConnector.write({ config: { ...goodConfig, passcode: "bad" }, object: profileObject, behavior: "upsert", records }),
    );
    expect(unauthorized.message).toBe("CleverTap rejected the Account ID or Passcode for region US (us1)");
    expect(unauthorized.options).toMatchObject({ status: 401, retryable: false });

    await setFaults({ rate5xx: 1 });
    const unavailable = await catchRequestError(clevertapConnector.write({ config: goodConfig, object: profileObject, behavior: "upsert", records }));
    expect(unavailable.options).toMatchObject({ status: 503, retryable: true });

    await setFaults({});
    const tooMany = Array.from({ length: 1001 }, (_, i) => makeRecord(i, profileObject));
    const refused = await catchRequestError(clevertapConnector.write({ config: goodConfig, object: profileObject, behavior: "upsert", records: tooMany }));
    expect(refused.options).toMatchObject({ status: 400, retryable: false, batchRejected: true });
  });

  it("sends dates as $D_ epoch seconds and the event time as ts", async () => {
    const dob = new Date("1990-05-17T00:00:00Z");
    await clevertapConnector.write({
      config: goodConfig,
      object: profileObject,
      behavior: "upsert",
      records: [{ key: "d1", identifier: { type: "identity", value: "d1" }, fields: { DOB: dob, Gender: "female", Plan: null } }],
    });
    expect(sim.store.profiles[0]!.profileData).toEqual({ DOB: `$D_${dob.getTime() / 1000}`, Gender: "F" });

    const at = new Date("2024-03-01T12:00:00.750Z");
    const delivery = new Date("2024-03-05T00:00:00Z");
    await clevertapConnector.write({
      config: goodConfig,
      object: eventObject,
      behavior: "append",
      records: [{ key: "o1", identifier: { type: "identity", value: "d1" }, fields: { Amount: 5, "Delivery By": delivery }, event: { name: "Charged", timestamp: at } }],
    });
    expect(sim.store.events).toEqual([
      expect.objectContaining({ identity: "d1", evtName: "Charged", ts: Math.floor(at.getTime() / 1000), evtData: { Amount: 5, "Delivery By": `$D_${delivery.getTime() / 1000}` } }),
    ]);
  });

  it("reads profiles back with converted dates and the CleverTap ID, and links to them", async () => {
    const dob = new Date("1985-01-02T00:00:00Z");
    const records: OutRecord[] = [1, 2, 3, 4, 5].map((i) => ({ ...makeRecord(i, profileObject), fields: { ...makeRecord(i, profileObject).fields, DOB: dob } }));
    await clevertapConnector.write({ config: goodConfig, object: profileObject, behavior: "upsert", records });
    await fetch(`${sim.url}/__sim/profiles/user-2`, { method: "POST", body: JSON.stringify({ Name: "Changed elsewhere" }) });
    const missing: OutRecord = { key: "ghost", identifier: { type: "identity", value: "ghost" }, fields: {} };

    const read = await clevertapConnector.readBack({ config: goodConfig, object: profileObject, records: [...records, missing] });
    expect(read).toHaveLength(6);
    const stored = sim.store.profiles.find((p) => p.identity === "user-1")!;
    expect(read![0]).toEqual({ key: "user-1", found: true, externalId: stored.objectId, fields: { ...records[0]!.fields, DOB: dob } });
    expect(read![1]!.fields?.Name).toBe("Changed elsewhere");
    expect(read![5]).toEqual({ key: "ghost", found: false });

    const links = await clevertapConnector.dashboardLinks({ config: goodConfig, object: profileObject, records: read!.slice(0, 1) });
    expect(links).toEqual([
      { label: "CleverTap dashboard (United States)", url: `https://us1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` },
      { label: "Segments: open Segments > Find People and search for user-1 to see the synced profiles", url: `https://us1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` },
      { label: "Profile user-1", url: `https://us1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/${stored.objectId}/profile-view.html` },
    ]);
    expect(await clevertapConnector.readBack({ config: goodConfig, object: eventObject, records: [] })).toEqual([]);
  });

  it("reads events back through the Get Events API, matching identity and time in the project's timezone", async () => {
    const at = new Date("2024-03-01T12:00:00Z");
    const event = (key: string, identity: string, amount: number, ts: Date): OutRecord => ({
      key,
      identifier: { type: "identity", value: identity },
      fields: { Amount: amount },
      event: { name: "Charged", timestamp: ts },
    });
    const sent = [event("o1", "buyer-1", 5, at), event("o2", "buyer-1", 7, new Date(at.getTime() + 60_000)), event("o3", "buyer-2", 9, at)];
    await clevertapConnector.write({ config: goodConfig, object: eventObject, behavior: "append", records: sent });
    // A project in India (UTC+5:30) writes its export timestamps in local time.
    sim.store.timezoneOffsetMinutes = 330;
    const ghost = event("o4", "buyer-3", 1, at);
    const read = await clevertapConnector.readBack({ config: goodConfig, object: eventObject, records: [...sent, ghost] });
    expect(read!.map((r) => [r.key, r.found, r.fields?.Amount])).toEqual([
      ["o1", true, 5],
      ["o2", true, 7],
      ["o3", true, 9],
      ["o4", false, undefined],
    ]);
    const links = await clevertapConnector.dashboardLinks({ config: goodConfig, object: eventObject, records: read! });
    expect(links.map((l) => l.label)).toEqual(["CleverTap dashboard (United States)", "Event Analytics: open Analytics > Events and pick the synced event to see its count by day"]);
  });

  it("reads CleverTap's own codes back as the values that were sent", async () => {
    const record: OutRecord = { key: "coded", identifier: { type: "identity", value: "coded" }, fields: { Gender: "female", Employed: true, Name: "Coded" } };
    await clevertapConnector.write({ config: goodConfig, object: profileObject, behavior: "upsert", records: [record] });
    expect(sim.store.profiles.find((p) => p.identity === "coded")!.profileData).toMatchObject({ Gender: "F", Employed: "Y" });
    const [read] = (await clevertapConnector.readBack({ config: goodConfig, object: profileObject, records: [record] }))!;
    expect(read!.fields).toMatchObject({ Gender: "female", Employed: true, Name: "Coded" });
    await fetch(`${sim.url}/__sim/profiles/coded`, { method: "POST", body: JSON.stringify({ Gender: "M" }) });
    const [changed] = (await clevertapConnector.readBack({ config: goodConfig, object: profileObject, records: [record] }))!;
    expect(changed!.fields?.Gender).toBe("M");
  });

  it("uses the region's host unless the test override is set", async () => {
    expect(resolveClevertapApiBase("us1")).toBe(sim.url);
    env.CLEVERTAP_API_BASE_URL = undefined;
    expect(resolveClevertapApiBase("eu1")).toBe("https://api.clevertap.com");
    expect(resolveClevertapApiBase("aps3")).toBe("https://aps3.api.clevertap.com");
    const parsed = clevertapConnector.configSchema.safeParse({ accountId: " 948-4KK-444Z ", passcode: "p", region: "eu1" });
    expect(parsed.success && parsed.data.accountId).toBe("948-4KK-444Z");
    const links = await clevertapConnector.dashboardLinks({ config: { ...goodConfig, region: "eu1" }, object: profileObject, records: [] });
    expect(links).toEqual([
      { label: "CleverTap dashboard (Europe)", url: `https://eu1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` },
      { label: "Segments: open Segments > Find People to see the synced profiles", url: `https://eu1.dashboard.clevertap.com/${SIM_ACCOUNT_ID}/main` },
    ]);
  });
});

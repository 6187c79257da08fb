import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator, type ClevertapSimulator } from "./server";

let sim: ClevertapSimulator;

beforeAll(async () => {
  sim = await startClevertapSimulator({ port: 0 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
});

function upload(records: unknown[], passcode = SIM_PASSCODE, query = ""): Promise<Response> {
  return fetch(`${sim.url}/1/upload${query}`, {
    method: "POST",
    headers: { "X-CleverTap-Account-Id": SIM_ACCOUNT_ID, "X-CleverTap-Passcode": passcode, "Content-Type": "application/json" },
    body: JSON.stringify({ d: records }),
  });
}

function readProfile(query: string): Promise<Response> {
  return fetch(`${sim.url}/1/profile.json?${query}`, {
    headers: { "X-CleverTap-Account-Id": SIM_ACCOUNT_ID, "X-CleverTap-Passcode": SIM_PASSCODE },
  });
}

const profile = (identity: string, profileData: Record<string, unknown>) => ({ type: "profile", identity, profileData });

describe("CleverTap simulator", () => {
  it("answers a wrong passcode with the documented 401 body and an unknown account with its own", async () => {
    const wrong = await upload([profile("u1", { Name: "A" })], "nope");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ status: "fail", error: "Invalid Credentials", code: 401 });

    const unknown = await fetch(`${sim.url}/1/upload`, {
      method: "POST",
      headers: { "X-CleverTap-Account-Id": "NOPE", "X-CleverTap-Passcode": SIM_PASSCODE },
      body: JSON.stringify({ d: [] }),
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ status: "fail", error: "Account ID is not valid", code: 401 });
    expect((await (await fetch(`${sim.url}/__sim/records`)).json()).profiles).toEqual([]);
  });

  it("rejects an upload of 1001 records as a whole and stores none of them", async () => {
    const records = Array.from({ length: 1001 }, (_, i) => profile(`u${i}`, { Name: `User ${i}` }));
    const res = await upload(records);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: "fail", code: 400 });
    expect(sim.store.profiles).toHaveLength(0);

    const ok = await upload(records.slice(0, 1000));
    expect(await ok.json()).toEqual({ status: "success", processed: 1000, unprocessed: [] });
  });

  it("leaves a phone without a country code unprocessed with code 516 and keeps the others", async () => {
    const bad = profile("u2", { Phone: "4155551234" });
    const res = await upload([profile("u1", { Phone: "+14155551234" }), bad, { type: "event", identity: "u1", evtData: {} }]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "partial", processed: 1 });
    expect(body.unprocessed).toEqual([
      { status: "fail", code: 516, error: "Profile data is incorrect. Phone number is not valid.Skipped record number : 2", record: bad },
      expect.objectContaining({ code: 509, error: expect.stringContaining("Skipped record number : 3") }),
    ]);
    const records = await (await fetch(`${sim.url}/__sim/records`)).json();
    expect(records.profiles.map((p: { identity: string }) => p.identity)).toEqual(["u1"]);
    expect(records.events).toEqual([]);
  });

  it("answers 429 beyond 15 concurrent uploads per account", async () => {
    await fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ latencyMs: 400 }) });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => upload([profile(`c${i}`, { Name: "C" })])));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(15);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const limited = responses.find((r) => r.status === 429)!;
    expect(await limited.json()).toEqual({ status: "fail", error: "Too many concurrent requests", code: 429 });
    const stats = await (await fetch(`${sim.url}/__sim/stats`)).json();
    expect(stats).toMatchObject({ uploads: 20, concurrencyRejections: 5, maxUploadsInFlight: 15 });
  });

  it("reads a profile back with its CleverTap ID, dates as $D_ and event summaries", async () => {
    await upload([
      profile("jack@example.com", { Name: "Jack", Email: "jack@example.com", DOB: "$D_1487576752" }),
      { type: "event", identity: "jack@example.com", ts: 1468208340, evtName: "Charged", evtData: { Amount: 300 } },
    ]);
    const res = await readProfile("identity=jack%40example.com");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("success");
    expect(body.record.profileData).toEqual({ Name: "Jack", Email: "jack@example.com", DOB: "$D_1487576752" });
    expect(body.record.events.Charged).toEqual({ count: 1, first_seen: 1468208340, last_seen: 1468208340 });
    const objectId = body.record.platformInfo[0].objectId as string;
    expect(objectId).toMatch(/^-[0-9a-f]{32}$/);

    const byObjectId = await (await readProfile(`objectId=${encodeURIComponent(objectId)}`)).json();
    expect(byObjectId.record.identity).toBe("jack@example.com");
    expect(await (await readProfile("identity=nobody")).json()).toEqual({ status: "success", record: null });

    await fetch(`${sim.url}/__sim/profiles/${encodeURIComponent("jack@example.com")}`, { method: "POST", body: JSON.stringify({ Name: "Changed" }) });
    expect((await (await readProfile("identity=jack%40example.com")).json()).record.profileData.Name).toBe("Changed");
  });

  it("validates without storing on dryRun=1 and injects per-record rejections", async () => {
    const dry = await upload([profile("d1", { Name: "D" })], SIM_PASSCODE, "?dryRun=1");
    expect(await dry.json()).toEqual({ status: "success", processed: 1, unprocessed: [] });
    expect(sim.store.profiles).toHaveLength(0);

    await fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ rejectRate: 1 }) });
    const rejected = await (await upload([profile("d2", { Name: "D" })])).json();
    expect(rejected).toMatchObject({ status: "fail", processed: 0, unprocessed: [{ code: 555 }] });
  });

  it("injects 429 with Retry-After and 503", async () => {
    await fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ rate429: 1, retryAfterSeconds: 7 }) });
    const limited = await upload([]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    await fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ rate5xx: 1 }) });
    expect((await upload([])).status).toBe(503);
  });

  it("counts events asynchronously through req_id polling", async () => {
    const day = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10).replaceAll("-", "");
    const ts = 1700000000;
    await upload([1, 2, 3].map((i) => ({ type: "event", identity: `e${i}`, ts, evtName: "Signed Up", evtData: { plan: i === 1 ? "pro" : "free" } })));
    const headers = { "X-CleverTap-Account-Id": SIM_ACCOUNT_ID, "X-CleverTap-Passcode": SIM_PASSCODE };
    const started = await (
      await fetch(`${sim.url}/1/counts/events.json`, {
        method: "POST",
        headers,
        body: JSON.stringify({ event_name: "Signed Up", from: Number(day(ts)), to: Number(day(ts)), event_properties: [{ name: "plan", value: "free" }] }),
      })
    ).json();
    expect(started.status).toBe("partial");
    const done = await (await fetch(`${sim.url}/1/counts/events.json?req_id=${started.req_id}`, { headers })).json();
    expect(done).toEqual({ status: "success", count: 2 });
  });

  it("exports events through the Get Events API: a percent-encoded cursor, one 'still in progress', then pages", async () => {
    const ts = Date.UTC(2024, 1, 3, 4, 5, 6) / 1000;
    await upload([1, 2, 3].map((i) => ({ type: "event", identity: `x${i}`, ts: ts + i, evtName: "Charged", evtData: { Amount: i } })));
    await upload([{ type: "event", identity: "x9", ts, evtName: "Other", evtData: {} }]);
    const headers = { "X-CleverTap-Account-Id": SIM_ACCOUNT_ID, "X-CleverTap-Passcode": SIM_PASSCODE };
    const started = await fetch(`${sim.url}/1/events.json?batch_size=2`, { method: "POST", headers, body: JSON.stringify({ event_name: "Charged", from: 20240203, to: 20240203 }) });
    const { status, cursor } = (await started.json()) as { status: string; cursor: string };
    expect(status).toBe("success");
    expect(cursor).toMatch(/%3D%3D$/);
    const fetchPage = async (c: string) => (await fetch(`${sim.url}/1/events.json?cursor=${encodeURIComponent(decodeURIComponent(c))}`, { headers })).json();
    expect(await fetchPage(cursor)).toEqual({ status: "fail", error: "Request still in progress, please retry later" });
    const first = await fetchPage(cursor);
    expect(first.records).toHaveLength(2);
    expect(first.records[0]).toMatchObject({ profile: { identity: "x1", platform: "API" }, ts: 20240203040507, event_props: { Amount: 1 } });
    expect(first.records[0]).not.toHaveProperty("evtName");
    const second = await fetchPage(first.next_cursor);
    expect(second.records.map((r: { profile: { identity: string } }) => r.profile.identity)).toEqual(["x3"]);
    expect(second).not.toHaveProperty("next_cursor");
    // A cursor sent still percent-encoded is not one CleverTap handed out.
    expect((await fetch(`${sim.url}/1/events.json?cursor=${encodeURIComponent(cursor)}`, { headers })).status).toBe(400);
    const notification = await fetch(`${sim.url}/1/events.json`, { method: "POST", headers, body: JSON.stringify({ event_name: "Notification Sent", from: 20240203, to: 20240203 }) });
    expect(await notification.json()).toEqual({ status: "fail", error: "Export not allowed for this event", code: 400 });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CUSTOMERIO_SIM_API_KEY,
  CUSTOMERIO_SIM_APP_API_KEY,
  CUSTOMERIO_SIM_ENVIRONMENT_ID,
  CUSTOMERIO_SIM_SITE_ID,
  startCustomerioSimulator,
  type CustomerioSimulator,
} from "./server";

const TRACK_AUTH = `Basic ${Buffer.from(`${CUSTOMERIO_SIM_SITE_ID}:${CUSTOMERIO_SIM_API_KEY}`).toString("base64")}`;
const APP_AUTH = `Bearer ${CUSTOMERIO_SIM_APP_API_KEY}`;

let sim: CustomerioSimulator;

async function call(method: string, path: string, options: { body?: unknown; raw?: string; auth?: string } = {}) {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...(options.auth === "" ? {} : { Authorization: options.auth ?? (path.startsWith("/v1/") ? APP_AUTH : TRACK_AUTH) }), "Content-Type": "application/json" },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const batch = (items: unknown[]) => call("POST", "/api/v2/batch", { body: { batch: items } });
const identify = (id: string, attributes: Record<string, unknown>) => ({ type: "person", identifiers: { id }, action: "identify", attributes });
const records = async () => (await call("GET", "/__sim/records", { auth: "" })).json as { people: Record<string, unknown>[]; events: Record<string, unknown>[] };

beforeAll(async () => {
  sim = await startCustomerioSimulator({ port: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await call("POST", "/__sim/reset", { auth: "" });
});

describe("authentication", () => {
  it("answers accounts/region for the built-in credentials and 401 for others", async () => {
    const ok = await call("GET", "/api/v1/accounts/region");
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ url: "https://track.customer.io", region: "us", environment_id: CUSTOMERIO_SIM_ENVIRONMENT_ID });

    const wrong = await call("GET", "/api/v1/accounts/region", { auth: `Basic ${Buffer.from(`${CUSTOMERIO_SIM_SITE_ID}:nope`).toString("base64")}` });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ meta: { error: "Unauthorized request" } });
    expect((await call("POST", "/api/v2/batch", { body: { batch: [] }, auth: "" })).status).toBe(401);
  });

  it("keeps the App API on its own Bearer key", async () => {
    expect((await call("GET", "/v1/customers?email=a%40example.com", { auth: TRACK_AUTH })).status).toBe(401);
    expect((await call("GET", "/v1/customers?email=a%40example.com")).json).toEqual({ results: [] });
  });

  it("reports the configured region of an EU workspace", async () => {
    const eu = await startCustomerioSimulator({ region: "eu", environmentId: 7 });
    try {
      const response = await fetch(`${eu.url}/api/v1/accounts/region`, { headers: { Authorization: TRACK_AUTH } });
      expect(await response.json()).toEqual({ url: "https://track-eu.customer.io", region: "eu", environment_id: 7 });
    } finally {
      await eu.close();
    }
  });
});

describe("Track API v1", () => {
  it("identifies people, answers 200 {} and drops attributes sent as null", async () => {
    const first = await call("PUT", "/api/v1/customers/42", { body: { email: "Jane@Example.com", age: 30, vip: true } });
    expect(first.status).toBe(200);
    expect(first.text).toBe("{}\n");
    expect(first.headers.get("content-type")).toBe("application/json; charset=utf-8");

    await call("PUT", "/api/v1/customers/42", { body: { age: null, plan: "pro" } });
    const read = await call("GET", "/v1/customers/42/attributes");
    const customer = read.json!.customer as { identifiers: Record<string, string>; attributes: Record<string, string> };
    expect(customer.identifiers).toMatchObject({ id: "42", email: "Jane@Example.com" });
    expect(customer.attributes).toMatchObject({ vip: "true", plan: "pro", id: "42" });
    expect(customer.attributes).not.toHaveProperty("age");

    // Email is case-insensitive, id is case-sensitive.
    expect((await call("GET", "/v1/customers/jane%40example.com/attributes?id_type=email")).status).toBe(200);
    expect((await call("PUT", "/api/v1/customers/ABC", { body: {} })).status).toBe(200);
    expect((await call("GET", "/v1/customers/abc/attributes")).status).toBe(404);
  });

  it("records a failed attribute change instead of merging two people", async () => {
    await call("PUT", "/api/v1/customers/1", { body: { email: "a@example.com" } });
    await call("PUT", "/api/v1/customers/2", { body: { email: "b@example.com" } });
    const conflict = await call("PUT", "/api/v1/customers/1", { body: { email: "b@example.com", plan: "x" } });
    expect(conflict.status).toBe(200);
    const person = (await call("GET", "/v1/customers/1/attributes")).json!.customer as { attributes: Record<string, string> };
    expect(person.attributes.email).toBe("a@example.com");
    expect(person.attributes).not.toHaveProperty("plan");
    const activities = (await call("GET", "/v1/customers/1/activities?type=failed_attribute_change")).json!.activities as unknown[];
    expect(activities).toHaveLength(1);
  });

  it("validates events with the documented envelope", async () => {
    const missing = await call("POST", "/api/v1/customers/42/events", { body: { data: {} } });
    expect(missing.status).toBe(400);
    expect((missing.json!.meta as { errors: string[] }).errors[0]).toContain("name");
    const ok = await call("POST", "/api/v1/customers/42/events", { body: { name: "  purchase ", timestamp: 1714000000, data: { price: 23.45 } } });
    expect(ok.status).toBe(200);
    expect((await records()).events).toEqual([expect.objectContaining({ name: "purchase", timestamp: 1714000000, data: { price: 23.45 } })]);
  });
});

describe("Track API v2 batch", () => {
  it("answers 207 with batch_index for invalid items and accepts the rest", async () => {
    const response = await batch([
      identify("1", { plan: "ok" }),
      { type: "person", identifiers: { id: "2", email: "two@example.com" }, action: "identify", attributes: {} },
      identify("3", { plan: "x".repeat(1001) }),
      { type: "person", identifiers: { id: "4" }, action: "event", attributes: {} },
      identify("5", { plan: "fine" }),
    ]);
    expect(response.status).toBe(207);
    const errors = response.json!.errors as { batch_index: number; reason: string; field: string; message: string }[];
    expect(errors.map((e) => e.batch_index)).toEqual([1, 2, 3]);
    expect(errors[0]).toMatchObject({ field: "identifiers", message: "You cannot pass multiple identifiers" });
    expect(errors[1]).toEqual({ batch_index: 2, reason: "invalid", field: "attributes.plan", message: "property value cannot be longer than 1000 bytes" });
    expect(errors[2]).toMatchObject({ field: "name" });
    expect((await records()).people.map((p) => p.id).sort()).toEqual(["1", "5"]);
  });

  it("rejects an item over 32 KB inside an otherwise accepted batch", async () => {
    const wide: Record<string, string> = {};
    for (let i = 0; i < 40; i += 1) wide[`attr_${i}`] = "v".repeat(900);
    const response = await batch([identify("small", { a: 1 }), identify("wide", wide)]);
    expect(response.status).toBe(207);
    expect(response.json!.errors).toEqual([expect.objectContaining({ batch_index: 1, reason: "invalid", message: expect.stringContaining("32kb") })]);
    expect((await records()).people.map((p) => p.id)).toEqual(["small"]);
  });

  it("refuses a whole body over 500 KB", async () => {
    const items = Array.from({ length: 20 }, (_, i) => {
      const attributes: Record<string, string> = {};
      for (let a = 0; a < 30; a += 1) attributes[`a${a}`] = "v".repeat(900);
      return identify(`p${i}`, attributes);
    });
    const response = await batch(items);
    expect(response.status).toBe(400);
    expect(response.json!.errors).toEqual([expect.objectContaining({ field: "batch" })]);
    expect((await records()).people).toHaveLength(0);

    const strict = await startCustomerioSimulator({ oversizeStatus: 413 });
    try {
      const r = await fetch(`${strict.url}/api/v2/batch`, { method: "POST", headers: { Authorization: TRACK_AUTH }, body: JSON.stringify({ batch: items }) });
      expect(r.status).toBe(413);
    } finally {
      await strict.close();
    }
  });

  it("answers 400 for a body that is not a batch", async () => {
    expect((await call("POST", "/api/v2/batch", { raw: "{not json" })).status).toBe(400);
    const missing = await call("POST", "/api/v2/batch", { body: { items: [] } });
    expect(missing.status).toBe(400);
    expect(missing.json!.errors).toEqual([expect.objectContaining({ field: "batch" })]);
  });

  it("drops events whose id was already received", async () => {
    const event = { type: "person", identifiers: { email: "e@example.com" }, action: "event", name: "signup", id: "01BX5ZZKBKACTAV9WEVGEMMVRY", attributes: { plan: "a" } };
    expect((await batch([event, event])).status).toBe(200);
    expect((await batch([{ ...event, attributes: { plan: "b" } }])).status).toBe(200);
    const v1 = await call("POST", "/api/v1/customers/e%40example.com/events", { body: { name: "signup", id: "01bx5zzkbkactav9wevgemmvry" } });
    expect(v1.status).toBe(200);
    const stored = (await records()).events;
    expect(stored).toEqual([expect.objectContaining({ name: "signup", data: { plan: "a" } })]);
    expect((await call("GET", "/__sim/stats", { auth: "" })).json!.duplicateEvents).toBe(3);

    const badId = await batch([{ ...event, id: "row-1" }]);
    expect(badId.status).toBe(207);
    expect(badId.json!.errors).toEqual([expect.objectContaining({ field: "id" })]);
  });

  it("never creates a person for an identify with _update", async () => {
    await batch([identify("known", { plan: "a" })]);
    const response = await batch([identify("known", { plan: "b", _update: true }), identify("unknown", { plan: "c", _update: true })]);
    expect(response.status).toBe(200);
    const people = (await records()).people;
    expect(people.map((p) => [p.id, (p.attributes as Record<string, unknown>).plan])).toEqual([["known", "b"]]);
  });

  it("addresses people by cio_id without the prefix", async () => {
    await batch([identify("c1", { plan: "a" })]);
    const cioId = (await records()).people[0]!.cio_id as string;
    await batch([{ type: "person", identifiers: { cio_id: cioId }, action: "identify", attributes: { plan: "b" } }]);
    const read = await call("GET", `/v1/customers/${cioId}/attributes?id_type=cio_id`);
    expect((read.json!.customer as { attributes: Record<string, string> }).attributes.plan).toBe("b");
  });
});

describe("App API read-back", () => {
  it("reads people in bulk and by email, as strings", async () => {
    await batch([
      identify("a", { email: "a@example.com", created_at: 1700000000, score: 1.5, active: false }),
      identify("b", { email: "b@example.com" }),
    ]);
    const bulk = await call("POST", "/v1/customers/attributes?id_type=id", { body: { ids: ["a", "b", "missing"] } });
    expect(bulk.status).toBe(200);
    const customers = (bulk.json!.customers as { customer: { id: string; attributes: Record<string, string> } }[]).map((c) => c.customer);
    expect(customers.map((c) => c.id)).toEqual(["a", "b"]);
    expect(customers[0]!.attributes).toMatchObject({ created_at: "1700000000", score: "1.5", active: "false", email: "a@example.com" });

    const byEmail = await call("GET", "/v1/customers?email=b%40example.com");
    expect(byEmail.json).toEqual({ results: [{ email: "b@example.com", id: "b", cio_id: expect.any(String) }] });
    const notFound = await call("GET", "/v1/customers/missing/attributes");
    expect(notFound.status).toBe(404);
    expect(notFound.json).toEqual({ errors: [{ detail: expect.stringMatching(/^not found \(reference /), status: "404" }] });
    expect((await call("POST", "/v1/customers/attributes", { body: { ids: Array.from({ length: 101 }, (_, i) => String(i)) } })).status).toBe(400);
  });

  it("enforces the documented 10 requests per second", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await call("GET", "/v1/customers?email=x%40example.com")).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("shows attributes altered behind the product's back", async () => {
    await batch([identify("alt", { plan: "a" })]);
    const altered = await call("POST", "/__sim/people/alt", { body: { plan: "edited", extra: 1 }, auth: "" });
    expect(altered.status).toBe(200);
    const read = await call("GET", "/v1/customers/alt/attributes");
    expect((read.json!.customer as { attributes: Record<string, string> }).attributes).toMatchObject({ plan: "edited", extra: "1" });
    expect((await call("POST", "/__sim/people/nobody", { body: { plan: "x" }, auth: "" })).status).toBe(404);
  });
});

describe("Track API rate limit", () => {
  it("answers 429 with Retry-After beyond the configured requests per second, and counts them", async () => {
    // A frozen clock: every request falls in the same second, however slowly the machine runs.
    let clock = 1_000_000;
    const limited = await startCustomerioSimulator({ trackRateLimitPerSecond: 5, now: () => clock });
    try {
      const auth = `Basic ${Buffer.from(`${CUSTOMERIO_SIM_SITE_ID}:${CUSTOMERIO_SIM_API_KEY}`).toString("base64")}`;
      const post = () =>
        fetch(`${limited.url}/api/v2/batch`, { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body: JSON.stringify({ batch: [identify("r", {})] }) });
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await post());
      expect(answers.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers[5]!.status).toBe(429);
      expect(Number(answers[5]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await answers[5]!.json()).toEqual({ meta: { error: "Too many requests: over 5 requests per second" } });
      // The App API has its own limit: a Track 429 does not touch it.
      const app = await fetch(`${limited.url}/v1/customers?email=r%40example.com`, { headers: { Authorization: APP_AUTH } });
      expect(app.status).toBe(200);
      const stats = (await (await fetch(`${limited.url}/__sim/stats`)).json()) as { rateLimited: number; byStatus: Record<string, number> };
      expect(stats.rateLimited).toBe(1);
      expect(stats.byStatus["429"]).toBe(1);
      // A second later the window has room again.
      clock += 1000;
      expect((await post()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("enforces no Track limit with 0", async () => {
    const unlimited = await startCustomerioSimulator({ trackRateLimitPerSecond: 0 });
    try {
      const auth = `Basic ${Buffer.from(`${CUSTOMERIO_SIM_SITE_ID}:${CUSTOMERIO_SIM_API_KEY}`).toString("base64")}`;
      const statuses = await Promise.all(
        Array.from({ length: 120 }, () => fetch(`${unlimited.url}/api/v1/accounts/region`, { headers: { Authorization: auth } }).then((r) => r.status)),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await unlimited.close();
    }
  });
});

describe("fault injection and stats", () => {
  it("injects 429 with Retry-After, 5xx, resets and per-item rejections", async () => {
    await call("POST", "/__sim/faults", { body: { rate429: 1, retryAfterSeconds: 7 }, auth: "" });
    const limited = await batch([identify("x", {})]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");

    await call("POST", "/__sim/faults", { body: { rate5xx: 1 }, auth: "" });
    expect([500, 502, 503, 504]).toContain((await batch([identify("x", {})])).status);

    await call("POST", "/__sim/faults", { body: { resetRate: 1 }, auth: "" });
    await expect(batch([identify("x", {})])).rejects.toThrow();

    await call("POST", "/__sim/faults", { body: { rejectRate: 1 }, auth: "" });
    const rejected = await batch([identify("x", {}), identify("y", {})]);
    expect(rejected.status).toBe(207);
    expect((rejected.json!.errors as { batch_index: number }[]).map((e) => e.batch_index)).toEqual([0, 1]);

    await call("POST", "/__sim/faults", { body: {}, auth: "" });
    expect((await batch([identify("x", {})])).status).toBe(200);

    const stats = (await call("GET", "/__sim/stats", { auth: "" })).json as {
      requests: number;
      byRoute: Record<string, number>;
      byStatus: Record<string, number>;
      faults: Record<string, number>;
    };
    expect(stats.requests).toBe(5);
    expect(stats.byRoute["POST /api/v2/batch"]).toBe(5);
    expect(stats.byStatus).toMatchObject({ "429": 1, "207": 1, "200": 1 });
    expect(stats.faults).toEqual({ rate429: 1, rate5xx: 1, resets: 1 });
  });
});

/**
 * Local Customer.io simulator: the Track API (v1 and v2) and the App API's read endpoints on one
 * loopback server, reproducing shared/reference/customerio-api.md §8. Test-only endpoints live under
 * `/__sim/`. Choices where the real API is unconfirmed are noted next to the code that makes them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import {
  parsePathIdentifier,
  validateAttributes,
  validateEvent,
  validateIdentifier,
  WorkspaceStore,
  type Identifier,
  type IdentifierType,
  type OperationError,
  type StoredEvent,
} from "./store";

export const CUSTOMERIO_SIM_SITE_ID = "sim-site";
export const CUSTOMERIO_SIM_API_KEY = "sim-key";
export const CUSTOMERIO_SIM_APP_API_KEY = "sim-app-key";
export const CUSTOMERIO_SIM_ENVIRONMENT_ID = 424242;
/**
 * "500kb" and "32kb" may mean 1000- or 1024-byte KB (unconfirmed): the simulator enforces the stricter
 * reading so a client that passes here passes against the real API.
 */
export const CUSTOMERIO_SIM_LIMITS = { batchBytes: 500_000, itemBytes: 32_000, entityBytes: 32_000, bulkReadIds: 100 } as const;

export type CustomerioSimulatorOptions = {
  port?: number;
  host?: string;
  /** Region the workspace lives in, as `GET /api/v1/accounts/region` reports it. */
  region?: "us" | "eu";
  environmentId?: number;
  /** Whether an event for someone unknown creates the person (unconfirmed upstream; default true). */
  eventsCreatePeople?: boolean;
  /** App API requests allowed per second (documented 10); 0 turns the limit off. */
  appRateLimitPerSecond?: number;
  /**
   * Track API requests (v1 and v2) allowed per second per workspace; beyond it the simulator answers
   * 429 with Retry-After. Default 100, the limit the product is built against (issue 10; third-party
   * summaries of Customer.io's docs). The reference's current Track spec says 1000/s, "not strictly
   * enforced", and documents no 429 for Track at all: the 429 and its Retry-After are **unconfirmed**.
   * 0 turns the limit off. `CUSTOMERIO_SIM_TRACK_RATE_LIMIT` sets it for `e2e/simulators/start.ts`.
   */
  trackRateLimitPerSecond?: number;
  /** The clock the Track rate limit reads (tests freeze it so the limit is met without timing). */
  now?: () => number;
  /** Status for a v2 body over the size limit (unconfirmed upstream; default 400 with an errors body). */
  oversizeStatus?: 400 | 413;
};

export type CustomerioSimulatorFaults = {
  /** Share of API requests answered 429 (0..1). */
  rate429?: number;
  retryAfterSeconds?: number;
  /** Share of API requests answered 500/502/503/504. */
  rate5xx?: number;
  latencyMs?: number;
  /** Share of API requests whose connection is dropped without an answer. */
  resetRate?: number;
  /** Share of otherwise valid v2 batch items rejected in a 207. */
  rejectRate?: number;
};

export type CustomerioSimulator = { url: string; port: number; close(): Promise<void> };

const TRACK_URLS = { us: "https://track.customer.io", eu: "https://track-eu.customer.io" } as const;
const MAX_BODY_BYTES = 5_000_000;
const PERSON_ACTIONS = new Set([
  "identify",
  "event",
  "page",
  "screen",
  "delete",
  "suppress",
  "unsuppress",
  "merge",
  "add_device",
  "delete_device",
  "add_relationships",
  "delete_relationships",
]);
const IMPLEMENTED_ACTIONS = new Set(["identify", "event", "page", "screen", "delete"]);

type Stats = {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  batchItems: number;
  rejectedItems: number;
  /** Track API requests answered 429 because they were over trackRateLimitPerSecond. */
  rateLimited: number;
  faults: { rate429: number; rate5xx: number; resets: number };
};

const emptyStats = (): Stats => ({
  requests: 0,
  byRoute: {},
  byStatus: {},
  inFlight: 0,
  maxInFlight: 0,
  batchItems: 0,
  rejectedItems: 0,
  rateLimited: 0,
  faults: { rate429: 0, rate5xx: 0, resets: 0 },
});

class HttpReply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // The live API answers `{}` with Content-Length 3: a trailing newline.
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpReply(413, { errors: [{ reason: "invalid", field: "", message: "request entity too large" }] });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer, onError: () => HttpReply): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw onError();
  }
}

/** v1 error envelope: `{"meta":{"errors":[…]}}`. */
const v1Errors = (errors: OperationError[]) => new HttpReply(400, { meta: { errors: errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)) } });
const v2Errors = (status: number, errors: OperationError[]) => new HttpReply(status, { errors });
const appError = (status: number, detail: string) => new HttpReply(status, { errors: [{ detail, status: String(status) }] });

function routeKey(method: string, path: string): string {
  const template = path
    .replace(/^\/api\/v1\/customers\/[^/]+/, "/api/v1/customers/:id")
    .replace(/^\/v1\/customers\/(?!attributes$)[^/]+/, "/v1/customers/:id")
    .replace(/^\/__sim\/people\/[^/]+/, "/__sim/people/:id");
  return `${method} ${template}`;
}

export async function startCustomerioSimulator(options: CustomerioSimulatorOptions = {}): Promise<CustomerioSimulator> {
  const region = options.region ?? "us";
  const environmentId = options.environmentId ?? CUSTOMERIO_SIM_ENVIRONMENT_ID;
  const appRateLimit = options.appRateLimitPerSecond ?? 10;
  const oversizeStatus = options.oversizeStatus ?? 400;
  const store = new WorkspaceStore({ eventsCreatePeople: options.eventsCreatePeople ?? true });
  let faults: CustomerioSimulatorFaults = {};
  let stats = emptyStats();
  const appRequestTimes: number[] = [];
  const trackRateLimit = options.trackRateLimitPerSecond ?? 100;
  const trackRequestTimes: number[] = [];

  /** Sliding one-second window over Track API arrivals; answers the seconds to wait when it is full. */
  function checkTrackRate(): number | undefined {
    if (trackRateLimit <= 0) return undefined;
    const now = (options.now ?? Date.now)();
    while (trackRequestTimes.length > 0 && trackRequestTimes[0]! <= now - 1000) trackRequestTimes.shift();
    if (trackRequestTimes.length >= trackRateLimit) return Math.max(1, Math.ceil((trackRequestTimes[0]! + 1000 - now) / 1000));
    trackRequestTimes.push(now);
    return undefined;
  }

  const chance = (rate: number | undefined) => rate !== undefined && rate > 0 && Math.random() < rate;

  function requireTrackAuth(req: IncomingMessage): void {
    const expected = `Basic ${Buffer.from(`${CUSTOMERIO_SIM_SITE_ID}:${CUSTOMERIO_SIM_API_KEY}`).toString("base64")}`;
    // The Go SDK encodes with base64.URLEncoding; both alphabets decode to the same pair.
    const header = req.headers.authorization ?? "";
    const decoded = header.startsWith("Basic ") ? Buffer.from(header.slice(6).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString() : "";
    if (header !== expected && decoded !== `${CUSTOMERIO_SIM_SITE_ID}:${CUSTOMERIO_SIM_API_KEY}`) {
      throw new HttpReply(401, { meta: { error: "Unauthorized request" } });
    }
  }

  function requireAppAuth(req: IncomingMessage): void {
    if (req.headers.authorization !== `Bearer ${CUSTOMERIO_SIM_APP_API_KEY}`) throw appError(401, "Unauthorized");
    if (appRateLimit <= 0) return;
    const now = Date.now();
    while (appRequestTimes.length > 0 && appRequestTimes[0]! <= now - 1000) appRequestTimes.shift();
    if (appRequestTimes.length >= appRateLimit) {
      throw new HttpReply(429, { errors: [{ detail: `Your request is over the ${appRateLimit}-per-second limit.`, status: "429" }] });
    }
    appRequestTimes.push(now);
  }

  function identifierFromPath(raw: string): Identifier {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw v1Errors([{ reason: "invalid", field: "identifier", message: "identifier is not correctly URL-encoded" }]);
    }
    const identifier = parsePathIdentifier(decoded);
    const problem = validateIdentifier(identifier, "identifier");
    if (problem) throw v1Errors([problem]);
    return identifier;
  }

  /** Reads v2 `identifiers`: exactly one of id | email | cio_id (phone is not enabled in this workspace). */
  function readV2Identifiers(value: unknown): Identifier | OperationError {
    if (!isRecord(value)) return { reason: "required", field: "identifiers", message: "identifiers is required" };
    const entries = Object.entries(value);
    if (entries.length !== 1) {
      return { reason: "invalid", field: "identifiers", message: entries.length === 0 ? "identifiers is required" : "You cannot pass multiple identifiers" };
    }
    const [type, raw] = entries[0]!;
    const field = `identifiers.${type}`;
    if (type === "phone") return { reason: "invalid", field, message: "phone is not enabled as an identifier in this workspace" };
    if (type !== "id" && type !== "email" && type !== "cio_id") return { reason: "invalid", field, message: `unknown identifier ${type}` };
    if (typeof raw !== "string" && typeof raw !== "number") return { reason: "invalid", field, message: "must be a string or a number" };
    const identifier: Identifier = { type: type as IdentifierType, value: String(raw) };
    return validateIdentifier(identifier, field) ?? identifier;
  }

  /** Applies one v2 person operation; returns its errors (none when accepted). */
  function applyV2Item(item: unknown, itemBytes: number): OperationError[] {
    if (itemBytes > CUSTOMERIO_SIM_LIMITS.itemBytes) {
      return [{ reason: "invalid", field: "", message: `each request in a batch must be 32kb or smaller (this one is ${itemBytes} bytes)` }];
    }
    if (!isRecord(item)) return [{ reason: "invalid", field: "", message: "each batch item must be an object" }];
    if (item.type !== "person") return [{ reason: "invalid", field: "type", message: "the simulator supports only type person" }];
    const action = typeof item.action === "string" ? item.action : "";
    if (!PERSON_ACTIONS.has(action)) return [{ reason: "invalid", field: "action", message: `action "${action}" is not valid for type person` }];
    if (!IMPLEMENTED_ACTIONS.has(action)) return [{ reason: "invalid", field: "action", message: `action "${action}" is not implemented by the simulator` }];
    const identifier = readV2Identifiers(item.identifiers);
    if ("reason" in identifier) return [identifier];
    const attributes = item.attributes ?? {};
    if (!isRecord(attributes)) return [{ reason: "invalid", field: "attributes", message: "attributes must be an object" }];

    if (action === "identify") {
      const errors = validateAttributes(attributes, "attributes.");
      if (item.timestamp !== undefined && !Number.isInteger(item.timestamp)) {
        errors.push({ reason: "invalid", field: "timestamp", message: "timestamp must be an integer (Unix seconds)" });
      }
      if (errors.length > 0 || chance(faults.rejectRate)) return errors.length > 0 ? errors : [simulatedRejection()];
      store.identify(identifier, attributes, item.timestamp as number | undefined);
      return [];
    }
    if (action === "delete") {
      if (chance(faults.rejectRate)) return [simulatedRejection()];
      store.delete(identifier);
      return [];
    }
    const errors = validateEvent({ name: item.name, id: item.id, timestamp: item.timestamp, data: attributes }, "attributes");
    if (errors.length > 0 || chance(faults.rejectRate)) return errors.length > 0 ? errors : [simulatedRejection()];
    store.trackEvent(identifier, {
      name: (item.name as string).trim(),
      type: action as StoredEvent["type"],
      id: item.id as string | undefined,
      timestamp: item.timestamp as number | undefined,
      data: attributes,
    });
    return [];
  }

  const simulatedRejection = (): OperationError => ({ reason: "invalid", field: "", message: "simulated rejection (fault injection)" });

  async function handleV2Batch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireTrackAuth(req);
    const raw = await readBody(req);
    if (raw.length > CUSTOMERIO_SIM_LIMITS.batchBytes) {
      throw v2Errors(oversizeStatus, [{ reason: "invalid", field: "batch", message: `Your batch request must be smaller than 500kb (this one is ${raw.length} bytes)` }]);
    }
    const body = parseJson(raw, () => v2Errors(400, [{ reason: "invalid", field: "", message: "request body is not valid JSON" }]));
    if (!isRecord(body) || !Array.isArray(body.batch)) throw v2Errors(400, [{ reason: "required", field: "batch", message: "batch must be an array" }]);
    const errors: (OperationError & { batch_index: number })[] = [];
    body.batch.forEach((item: unknown, index: number) => {
      const itemBytes = Buffer.byteLength(JSON.stringify(item) ?? "");
      for (const error of applyV2Item(item, itemBytes)) errors.push({ batch_index: index, ...error });
    });
    stats.batchItems += body.batch.length;
    stats.rejectedItems += new Set(errors.map((e) => e.batch_index)).size;
    if (errors.length > 0) send(res, 207, { errors });
    else send(res, 200, {});
  }

  async function handleV2Entity(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireTrackAuth(req);
    const raw = await readBody(req);
    if (raw.length > CUSTOMERIO_SIM_LIMITS.entityBytes) {
      throw v2Errors(oversizeStatus, [{ reason: "invalid", field: "", message: `Your request must be smaller than 32kb (this one is ${raw.length} bytes)` }]);
    }
    const body = parseJson(raw, () => v2Errors(400, [{ reason: "invalid", field: "", message: "request body is not valid JSON" }]));
    const errors = applyV2Item(body, raw.length);
    if (errors.length > 0) throw v2Errors(400, errors);
    send(res, 200, {});
  }

  async function handleV1Identify(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    requireTrackAuth(req);
    const identifier = identifierFromPath(rawId);
    const body = parseJson(await readBody(req), () => v1Errors([{ reason: "invalid", field: "", message: "request body is not valid JSON" }])) ?? {};
    if (!isRecord(body)) throw v1Errors([{ reason: "invalid", field: "", message: "request body must be a JSON object" }]);
    const errors = validateAttributes(body, "");
    if (typeof body.id === "string" || typeof body.id === "number") {
      const problem = validateIdentifier({ type: "id", value: String(body.id) }, "id");
      if (problem) errors.push(problem);
    }
    if (errors.length > 0) throw v1Errors(errors);
    store.identify(identifier, body);
    send(res, 200, {});
  }

  async function handleV1Event(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    requireTrackAuth(req);
    const identifier = identifierFromPath(rawId);
    const body = parseJson(await readBody(req), () => v1Errors([{ reason: "invalid", field: "", message: "request body is not valid JSON" }]));
    if (!isRecord(body)) throw v1Errors([{ reason: "required", field: "name", message: "name is required" }]);
    const errors = validateEvent({ name: body.name, type: body.type, id: body.id, timestamp: body.timestamp, data: body.data }, "data");
    if (errors.length > 0) throw v1Errors(errors);
    store.trackEvent(identifier, {
      name: (body.name as string).trim(),
      type: (body.type as StoredEvent["type"] | undefined) ?? "event",
      id: body.id as string | undefined,
      timestamp: body.timestamp as number | undefined,
      data: (body.data as Record<string, unknown> | undefined) ?? {},
    });
    send(res, 200, {});
  }

  function appIdType(url: URL): IdentifierType {
    const idType = url.searchParams.get("id_type") ?? "id";
    if (idType === "phone") throw appError(400, "phone is not enabled as an identifier in this workspace");
    if (idType !== "id" && idType !== "email" && idType !== "cio_id") throw appError(400, `id_type must be one of id, email, phone, cio_id`);
    return idType;
  }

  const notFound = () => appError(404, `not found (reference ${randomBytes(13).toString("hex").toUpperCase().slice(0, 26)})`);

  async function handleApp(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    requireAppAuth(req);
    const path = url.pathname;
    if (req.method === "POST" && path === "/v1/customers/attributes") {
      const idType = appIdType(url);
      const body = parseJson(await readBody(req), () => appError(400, "request body is not valid JSON"));
      const ids = isRecord(body) ? body.ids : undefined;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > CUSTOMERIO_SIM_LIMITS.bulkReadIds) {
        throw appError(400, `ids must be an array of 1 to ${CUSTOMERIO_SIM_LIMITS.bulkReadIds} identifiers`);
      }
      const customers = ids
        .map((id) => store.find({ type: idType, value: String(id) }))
        .filter((p) => p !== undefined)
        .map((p) => ({ customer: store.renderCustomer(p) }));
      send(res, 200, { customers });
      return;
    }
    if (req.method === "GET" && path === "/v1/customers") {
      const email = url.searchParams.get("email");
      if (!email) throw appError(400, "email is required");
      const person = store.find({ type: "email", value: email });
      send(res, 200, { results: person ? [{ email: person.email, id: person.id ?? null, cio_id: person.cioId }] : [] });
      return;
    }
    const match = /^\/v1\/customers\/([^/]+)\/(attributes|activities)$/.exec(path);
    if (req.method === "GET" && match) {
      const person = store.find({ type: appIdType(url), value: decodeURIComponent(match[1]!) });
      if (!person) throw notFound();
      if (match[2] === "attributes") {
        send(res, 200, { customer: store.renderCustomer(person) });
        return;
      }
      const type = url.searchParams.get("type");
      const name = url.searchParams.get("name");
      const limit = Math.min(100, Math.max(1, Number(url.searchParams.get("limit") ?? 10) || 10));
      const activities = store.activities
        .filter((a) => a.cioId === person.cioId && (!type || a.type === type) && (!name || a.name === name))
        .slice(-limit)
        .reverse()
        .map((a) => ({
          id: a.id,
          customer_id: person.id ?? null,
          customer_identifiers: { id: person.id ?? null, email: person.email ?? null, cio_id: person.cioId },
          type: a.type,
          name: a.name ?? null,
          timestamp: a.timestamp,
          data: a.data ?? (a.reason ? { reason: a.reason } : {}),
        }));
      send(res, 200, { activities, next: "" });
      return;
    }
    throw appError(404, "not found");
  }

  async function handleSim(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === "GET" && path === "/__sim/records") {
      send(res, 200, {
        people: [...store.people.values()].map((p) => ({ cio_id: p.cioId, id: p.id ?? null, email: p.email ?? null, attributes: p.attributes, created_at: p.createdAt })),
        events: store.events.map((e) => ({ cio_id: e.cioId, name: e.name, type: e.type, id: e.id ?? null, timestamp: e.timestamp, data: e.data })),
        activities: store.activities,
      });
      return;
    }
    if (req.method === "GET" && path === "/__sim/stats") {
      send(res, 200, { ...stats, duplicateEvents: store.duplicateEvents });
      return;
    }
    if (req.method === "POST" && path === "/__sim/reset") {
      store.reset();
      faults = {};
      stats = emptyStats();
      appRequestTimes.length = 0;
      trackRequestTimes.length = 0;
      send(res, 200, {});
      return;
    }
    if (req.method === "POST" && path === "/__sim/faults") {
      const body = parseJson(await readBody(req), () => new HttpReply(400, { error: "faults must be JSON" })) ?? {};
      if (!isRecord(body)) throw new HttpReply(400, { error: "faults must be an object" });
      faults = body as CustomerioSimulatorFaults;
      send(res, 200, { faults });
      return;
    }
    const alter = /^\/__sim\/people\/([^/]+)$/.exec(path);
    if (req.method === "POST" && alter) {
      const body = parseJson(await readBody(req), () => new HttpReply(400, { error: "attributes must be JSON" }));
      if (!isRecord(body)) throw new HttpReply(400, { error: "body must be an object of attributes" });
      const person = store.alter(parsePathIdentifier(decodeURIComponent(alter[1]!)), body);
      if (!person) throw new HttpReply(404, { error: "no such person" });
      send(res, 200, { cio_id: person.cioId, id: person.id ?? null, email: person.email ?? null, attributes: person.attributes });
      return;
    }
    throw new HttpReply(404, { error: "unknown simulator endpoint" });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (path.startsWith("/api/")) {
      const retryAfter = checkTrackRate();
      if (retryAfter !== undefined) {
        stats.rateLimited += 1;
        send(res, 429, { meta: { error: `Too many requests: over ${trackRateLimit} requests per second` } }, { "Retry-After": String(retryAfter) });
        return;
      }
    }
    if (faults.latencyMs) await sleep(faults.latencyMs);
    if (chance(faults.resetRate)) {
      stats.faults.resets += 1;
      req.socket.destroy();
      return;
    }
    if (chance(faults.rate429)) {
      stats.faults.rate429 += 1;
      const headers: Record<string, string> = faults.retryAfterSeconds !== undefined ? { "Retry-After": String(faults.retryAfterSeconds) } : {};
      send(res, 429, { meta: { error: "Too many requests" } }, headers);
      return;
    }
    if (chance(faults.rate5xx)) {
      stats.faults.rate5xx += 1;
      const status = [500, 502, 503, 504][Math.floor(Math.random() * 4)]!;
      send(res, status, { meta: { error: "simulated server error" } });
      return;
    }

    if (method === "GET" && path === "/api/v1/accounts/region") {
      requireTrackAuth(req);
      send(res, 200, { url: TRACK_URLS[region], region, environment_id: environmentId });
      return;
    }
    if (method === "POST" && path === "/api/v2/batch") return handleV2Batch(req, res);
    if (method === "POST" && path === "/api/v2/entity") return handleV2Entity(req, res);
    const event = /^\/api\/v1\/customers\/([^/]+)\/events$/.exec(path);
    if (method === "POST" && event) return handleV1Event(req, res, event[1]!);
    const customer = /^\/api\/v1\/customers\/([^/]+)$/.exec(path);
    if (method === "PUT" && customer) return handleV1Identify(req, res, customer[1]!);
    if (method === "DELETE" && customer) {
      requireTrackAuth(req);
      store.delete(identifierFromPath(customer[1]!));
      send(res, 200, {});
      return;
    }
    if (path.startsWith("/v1/")) return handleApp(req, res, url);
    throw new HttpReply(404, { meta: { error: "Not found" } });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    const isSim = url.pathname.startsWith("/__sim/");
    if (!isSim) {
      stats.requests += 1;
      const key = routeKey(req.method ?? "GET", url.pathname);
      stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      const counted = stats;
      res.on("close", () => {
        counted.inFlight -= 1;
        if (res.headersSent) counted.byStatus[String(res.statusCode)] = (counted.byStatus[String(res.statusCode)] ?? 0) + 1;
      });
    }
    (isSim ? handleSim(req, res, url.pathname) : handleApi(req, res, url)).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof HttpReply) send(res, error.status, error.body);
      else send(res, 500, { meta: { error: error instanceof Error ? error.message : "internal error" } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

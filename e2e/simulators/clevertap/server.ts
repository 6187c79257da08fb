/**
 * Local CleverTap server-API simulator for tests. It reproduces the behaviour recorded in
 * `shared/reference/clevertap-api.md`; where CleverTap's behaviour is unconfirmed it follows the
 * reference's "Suggested simulator contract" (§7). Assumptions made here, to revisit if CleverTap says otherwise:
 * - more than 1000 records → 400 "Too many records…"; `ts` above 10^11 (milliseconds) → 525;
 * - a key over 120 bytes, a string value over 512 bytes, or more than 100 event properties → 522;
 * - Gender accepts M, F, O, U; an unknown identity on profile.json → 200 `{status:"success", record:null}`;
 * - project timezone is UTC (counts' and events' `from`/`to` dates, and by default the `yyyyMMddHHmmss`
 *   `ts` the Get Events API answers; `store.timezoneOffsetMinutes` shifts the latter, since the real
 *   project timezone is not named in any response);
 * - `dryRun=1` validates without storing;
 * - Get Events API (`POST /1/events.json` → cursor, `GET ?cursor=`): the first fetch of each cursor
 *   answers HTTP 200 `{status:"fail", error:"Request still in progress, please retry later"}` (seen by
 *   ingestr; its HTTP status is unconfirmed); `batch_size` above 5000 is capped at 5000 (documented max,
 *   the over-limit behaviour is unconfirmed); records carry no event name (as ingestr reports); events whose
 *   name starts with "Notification " answer 400 "Export not allowed for this event";
 * - counts (`POST /1/counts/events.json`) answer `{status:"partial", req_id}` first and the count on the
 *   `GET ?req_id=` poll, as the reference's sample responses show.
 * Test endpoints live under `/__sim/` and are not part of CleverTap.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const SIM_ACCOUNT_ID = "SIM-ACC-0001";
export const SIM_PASSCODE = "SIM-PASS-0001";

const MAX_RECORDS_PER_UPLOAD = 1000;
const MAX_UPLOADS_IN_FLIGHT = 15;
const MAX_READS_IN_FLIGHT = 3;
const MAX_KEY_BYTES = 120;
const MAX_VALUE_BYTES = 512;
const MAX_EVENT_PROPERTIES = 100;
const RESTRICTED_EVENT_NAMES = new Set([
  "Stayed",
  "UTM Visited",
  "App Launched",
  "App Uninstalled",
  "Notification Sent",
  "Notification Viewed",
  "Notification Clicked",
  "Notification Bounced",
  "Web Page Viewed",
  "wzrk_d",
  "Geocluster Entered",
  "Geocluster Exited",
  "SCOutgoing",
  "SCIncoming",
  "SCEnd",
  "SCCampaignOptOut",
]);
const REGION_HOST = /^(?:(eu1|in1|sg1|us1|aps3|mec1|sk1)\.)?api\.clevertap\.com(?::\d+)?$/i;

export type SimAccount = { accountId: string; passcode: string; region: string };

export type SimProfile = {
  accountId: string;
  /** CleverTap ID (Global Object ID). */
  objectId: string;
  identity?: string;
  profileData: Record<string, unknown>;
  events: Record<string, { count: number; first_seen: number; last_seen: number }>;
};

export type SimEvent = {
  accountId: string;
  objectId: string;
  identity?: string;
  evtName: string;
  evtData: Record<string, unknown>;
  ts: number;
};

export type SimFaults = {
  /** Share of `/1/` requests answered 429 (0..1). */
  rate429?: number;
  /** Retry-After (seconds) sent with injected 429s; CleverTap itself documents none. */
  retryAfterSeconds?: number;
  /** Share of `/1/` requests answered 503. */
  rate5xx?: number;
  /** Delay before answering every `/1/` request, in ms (makes requests overlap). */
  latencyMs?: number;
  /** Share of `/1/` requests whose connection is destroyed without an answer. */
  resetRate?: number;
  /** Share of otherwise valid upload records left unprocessed with code 555. */
  rejectRate?: number;
};

export type SimStats = {
  /** Every request to `/1/…`, including refused ones. */
  requests: number;
  /** Upload requests received (any outcome). */
  uploads: number;
  /** Records received in uploads answered 200. */
  uploadedRecords: number;
  profileReads: number;
  /** Get Events API requests (cursor creation and page fetches). */
  eventReads: number;
  /** Requests answered 429 because of the concurrency limit. */
  concurrencyRejections: number;
  /** Highest number of uploads in flight at once, per account. */
  maxUploadsInFlight: number;
};

type ErrorEntry = { code: number; error: string };

/** One upload request as received: its account and its `d` records, before any validation. */
export type SimUpload = { accountId: string; dryRun: boolean; records: unknown[] };
/** Uploads kept for `/__sim/uploads`, newest last; older ones are dropped so long syncs stay bounded. */
const MAX_UPLOADS_KEPT = 200;

function createStats(): SimStats {
  return { requests: 0, uploads: 0, uploadedRecords: 0, profileReads: 0, eventReads: 0, concurrencyRejections: 0, maxUploadsInFlight: 0 };
}

export class ClevertapSimStore {
  readonly accounts = new Map<string, SimAccount>();
  profiles: SimProfile[] = [];
  events: SimEvent[] = [];
  /** Lookups by identity and CleverTap ID, so large syncs are not quadratic in the simulator. */
  private readonly byIdentity = new Map<string, SimProfile>();
  private readonly byObjectId = new Map<string, SimProfile>();
  faults: SimFaults = {};
  stats: SimStats = createStats();
  /** The last upload bodies (test endpoint `/__sim/uploads`), so tests compare what was really sent. */
  uploads: SimUpload[] = [];
  /** The project's timezone, in minutes east of UTC: the Get Events API writes `ts` in it (default UTC). */
  timezoneOffsetMinutes = 0;
  readonly countRequests = new Map<number, number>();
  /** Get Events API cursors: the matching events, where the next page starts, and whether it was fetched yet. */
  readonly eventCursors = new Map<string, { events: SimEvent[]; start: number; batchSize: number; prepared: boolean }>();
  private nextReqId = 384649162721759;

  constructor(accounts: SimAccount[]) {
    for (const a of accounts) this.accounts.set(a.accountId, a);
  }

  reset(): void {
    this.profiles = [];
    this.byIdentity.clear();
    this.byObjectId.clear();
    this.events = [];
    this.faults = {};
    this.stats = createStats();
    this.uploads = [];
    this.countRequests.clear();
    this.eventCursors.clear();
    this.timezoneOffsetMinutes = 0;
  }

  addProfile(profile: SimProfile): void {
    this.profiles.push(profile);
    this.indexProfile(profile);
  }

  /** Call again after a profile's identity changes. */
  indexProfile(profile: SimProfile): void {
    if (profile.identity !== undefined) this.byIdentity.set(`${profile.accountId}\u0000${profile.identity}`, profile);
    this.byObjectId.set(`${profile.accountId}\u0000${profile.objectId.toLowerCase()}`, profile);
  }

  findProfile(accountId: string, by: { identity?: string; objectId?: string; email?: string }): SimProfile | undefined {
    if (by.identity !== undefined) {
      const found = this.byIdentity.get(`${accountId}\u0000${by.identity}`);
      if (found) return found;
    }
    if (by.objectId !== undefined) {
      const found = this.byObjectId.get(`${accountId}\u0000${by.objectId.toLowerCase()}`);
      if (found) return found;
    }
    if (by.email !== undefined) return this.profiles.find((p) => p.accountId === accountId && p.profileData.Email === by.email);
    return undefined;
  }

  /** Profiles and events of one account, as an accepted-records listing. */
  listRecords(accountId?: string): { profiles: SimProfile[]; events: SimEvent[] } {
    const keep = <T extends { accountId: string }>(r: T) => accountId === undefined || r.accountId === accountId;
    return { profiles: this.profiles.filter(keep), events: this.events.filter(keep) };
  }

  startCount(count: number): number {
    const id = this.nextReqId++;
    this.countRequests.set(id, count);
    return id;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json;charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function sendFail(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { status: "fail", error, code: status }, headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function chance(rate: number | undefined): boolean {
  return rate !== undefined && rate > 0 && Math.random() < rate;
}

function newObjectId(): string {
  return `-${randomBytes(16).toString("hex")}`;
}

function readIdentifier(v: unknown): string | undefined {
  if (typeof v === "string" && v.length > 0) return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

function checkProperties(data: Record<string, unknown>): ErrorEntry | undefined {
  for (const [key, value] of Object.entries(data)) {
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      return { code: 522, error: `Property limit exceeded. Key "${key.slice(0, 40)}…" is longer than ${MAX_KEY_BYTES} bytes.` };
    }
    if (typeof value === "string" && Buffer.byteLength(value) > MAX_VALUE_BYTES) {
      return { code: 522, error: `Property limit exceeded. Value of "${key}" is longer than ${MAX_VALUE_BYTES} bytes.` };
    }
  }
  return undefined;
}

const yesNo = (v: unknown) => v === "Y" || v === "N";

function checkProfileData(data: Record<string, unknown>): ErrorEntry | undefined {
  const incorrect = (code: number, what: string): ErrorEntry => ({ code, error: `Profile data is incorrect. ${what}` });
  if ("Gender" in data && !(typeof data.Gender === "string" && /^[MFOU]$/i.test(data.Gender))) return incorrect(514, "Gender is invalid.");
  if ("Email" in data && !(typeof data.Email === "string" && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(data.Email))) return incorrect(515, "Email is not valid.");
  if ("Phone" in data && !(typeof data.Phone === "string" && /^\+[1-9]\d{7,14}$/.test(data.Phone))) return incorrect(516, "Phone number is not valid.");
  if ("Employed" in data && !yesNo(data.Employed)) return incorrect(517, "Employed needs to be Y/N.");
  if ("Education" in data && !["School", "College", "Graduate"].includes(data.Education as string)) {
    return incorrect(518, "Education needs to be School/College/Graduate.");
  }
  if ("Married" in data && !yesNo(data.Married)) return incorrect(519, "Married needs to be Y/N.");
  if ("Age" in data && !(Number.isFinite(Number(data.Age)) && String(data.Age).trim() !== "")) return incorrect(520, "Age is invalid.");
  return checkProperties(data);
}

function checkRecord(record: unknown): ErrorEntry | undefined {
  if (!isPlainObject(record) || !["profile", "event", "token"].includes(record.type as string)) {
    return { code: 524, error: "Data is neither event nor profile." };
  }
  const ids = ["identity", "FBID", "GPID", "objectId"].map((k) => readIdentifier(record[k]));
  if (ids.every((v) => v === undefined)) return { code: 523, error: "Identity, FBID, GPID or objectId is mandatory." };
  if (record.objectId !== undefined && !/^[A-Za-z0-9()!:@$_-]{1,64}$/.test(String(record.objectId))) {
    return { code: 526, error: "objectId is invalid." };
  }
  if (record.ts !== undefined) {
    const ts = record.ts;
    if (typeof ts !== "number" || !Number.isInteger(ts) || ts <= 0 || ts > 1e11) {
      return { code: 525, error: "Timestamp should be present in the Unix Epoch format." };
    }
  }
  if (record.type === "event") {
    if (typeof record.evtName !== "string" || record.evtName.trim() === "") {
      return { code: 509, error: "Event Name is incorrect. ErrorCode: 509 - Event name is mandatory." };
    }
    if (RESTRICTED_EVENT_NAMES.has(record.evtName)) {
      return { code: 513, error: "Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event." };
    }
    if (record.evtData !== undefined && !isPlainObject(record.evtData)) return { code: 512, error: "Invalid event structure." };
    const evtData = (record.evtData ?? {}) as Record<string, unknown>;
    if (Object.keys(evtData).length > MAX_EVENT_PROPERTIES) {
      return { code: 522, error: `Event properties limit exceeded. At most ${MAX_EVENT_PROPERTIES} properties per event.` };
    }
    return checkProperties(evtData);
  }
  if (record.type === "profile") {
    if (!isPlainObject(record.profileData)) return { code: 512, error: "profileData is mandatory and must be an object." };
    return checkProfileData(record.profileData);
  }
  return undefined;
}

function applyRecord(store: ClevertapSimStore, accountId: string, record: Record<string, unknown>, nowSeconds: number): void {
  const identity = readIdentifier(record.identity) ?? readIdentifier(record.FBID) ?? readIdentifier(record.GPID);
  const objectId = readIdentifier(record.objectId);
  let profile = store.findProfile(accountId, { identity, objectId });
  if (!profile) {
    // An unknown identity creates a profile (documented); a custom objectId becomes the CleverTap ID.
    profile = { accountId, objectId: objectId ?? newObjectId(), identity, profileData: {}, events: {} };
    store.addProfile(profile);
  } else if (identity !== undefined && profile.identity === undefined) {
    profile.identity = identity;
    store.indexProfile(profile);
  }
  const ts = typeof record.ts === "number" ? record.ts : nowSeconds;
  if (record.type === "profile") {
    const data = record.profileData as Record<string, unknown>;
    const { identity: addedIdentity, ...rest } = data;
    const added = readIdentifier(addedIdentity);
    if (added !== undefined) {
      profile.identity = added;
      store.indexProfile(profile);
    }
    Object.assign(profile.profileData, rest);
  } else if (record.type === "event") {
    const evtName = record.evtName as string;
    store.events.push({
      accountId,
      objectId: profile.objectId,
      identity: profile.identity,
      evtName,
      evtData: (record.evtData ?? {}) as Record<string, unknown>,
      ts,
    });
    const summary = profile.events[evtName];
    if (summary) {
      summary.count += 1;
      summary.first_seen = Math.min(summary.first_seen, ts);
      summary.last_seen = Math.max(summary.last_seen, ts);
    } else {
      profile.events[evtName] = { count: 1, first_seen: ts, last_seen: ts };
    }
  }
}

function handleUpload(store: ClevertapSimStore, accountId: string, body: string, dryRun: boolean, res: ServerResponse): void {
  const parsed = parseJson(body);
  if (!isPlainObject(parsed) || !Array.isArray(parsed.d)) return sendFail(res, 400, "Malformed request");
  const records = parsed.d as unknown[];
  store.uploads.push({ accountId, dryRun, records });
  if (store.uploads.length > MAX_UPLOADS_KEPT) store.uploads.shift();
  if (records.length > MAX_RECORDS_PER_UPLOAD) {
    return sendFail(res, 400, `Too many records. At most ${MAX_RECORDS_PER_UPLOAD} records are allowed per request`);
  }
  const nowSeconds = Math.floor(Date.now() / 1000);
  const unprocessed: { status: "fail"; code: number; error: string; record: unknown }[] = [];
  records.forEach((record, index) => {
    const problem = checkRecord(record) ?? (chance(store.faults.rejectRate) ? { code: 555, error: "Miscellaneous server error." } : undefined);
    if (problem) {
      unprocessed.push({ status: "fail", code: problem.code, error: `${problem.error}Skipped record number : ${index + 1}`, record });
    } else if (!dryRun) {
      applyRecord(store, accountId, record as Record<string, unknown>, nowSeconds);
    }
  });
  const processed = records.length - unprocessed.length;
  store.stats.uploadedRecords += records.length;
  const status = unprocessed.length === 0 ? "success" : processed === 0 ? "fail" : "partial";
  sendJson(res, 200, { status, processed, unprocessed });
}

function toProfileJson(p: SimProfile): Record<string, unknown> {
  return {
    identity: p.identity,
    ...(typeof p.profileData.Email === "string" ? { email: p.profileData.Email } : {}),
    profileData: p.profileData,
    events: p.events,
    platformInfo: [{ platform: "API", objectId: p.objectId }],
  };
}

function handleProfileRead(store: ClevertapSimStore, accountId: string, url: URL, res: ServerResponse): void {
  const by = {
    identity: url.searchParams.get("identity") ?? undefined,
    email: url.searchParams.get("email") ?? undefined,
    objectId: url.searchParams.get("objectId") ?? undefined,
  };
  if (by.identity === undefined && by.email === undefined && by.objectId === undefined) {
    return sendFail(res, 400, "identity, email or objectId is mandatory");
  }
  const profile = store.findProfile(accountId, by);
  sendJson(res, 200, { status: "success", record: profile ? toProfileJson(profile) : null });
}

function readDay(v: unknown): number | undefined {
  const s = String(v ?? "");
  if (!/^\d{8}$/.test(s)) return undefined;
  return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))) / 1000;
}

type PropertyFilter = { name: string; operator?: string; value: unknown };

function matchesFilter(data: Record<string, unknown>, f: PropertyFilter): boolean {
  const actual = data[f.name];
  switch (f.operator ?? "equals") {
    case "equals":
      return String(actual) === String(f.value);
    case "contains":
      return typeof actual === "string" && actual.includes(String(f.value));
    case "greater_than":
      return Number(actual) > Number(f.value);
    case "greater_than_equals":
      return Number(actual) >= Number(f.value);
    case "less_than":
      return Number(actual) < Number(f.value);
    case "less_than_equals":
      return Number(actual) <= Number(f.value);
    default:
      return false;
  }
}

function handleEventCount(store: ClevertapSimStore, accountId: string, req: IncomingMessage, url: URL, body: string, res: ServerResponse): void {
  if (req.method === "GET") {
    const reqId = Number(url.searchParams.get("req_id"));
    const count = store.countRequests.get(reqId);
    if (count === undefined) return sendFail(res, 400, "Invalid req_id");
    return sendJson(res, 200, { status: "success", count });
  }
  const query = parseJson(body);
  if (!isPlainObject(query) || typeof query.event_name !== "string") return sendFail(res, 400, "event_name is mandatory");
  const from = readDay(query.from);
  const to = readDay(query.to);
  if (from === undefined || to === undefined) return sendFail(res, 400, "from and to must be dates as YYYYMMDD");
  const filters = Array.isArray(query.event_properties) ? (query.event_properties as PropertyFilter[]) : [];
  const count = store.events.filter(
    (e) =>
      e.accountId === accountId &&
      e.evtName === query.event_name &&
      e.ts >= from &&
      e.ts < to + 86_400 &&
      filters.every((f) => matchesFilter(e.evtData, f)),
  ).length;
  // CleverTap answers counts asynchronously: the client polls with the req_id.
  sendJson(res, 200, { status: "partial", req_id: store.startCount(count) });
}

const MAX_EVENTS_BATCH_SIZE = 5000;

/** `ts` as the Get Events API writes it: yyyyMMddHHmmss in the project's timezone. */
function toExportTimestamp(seconds: number, offsetMinutes: number): number {
  return Number(new Date((seconds + offsetMinutes * 60) * 1000).toISOString().replace(/[-:T]/g, "").slice(0, 14));
}

/** Cursors come back percent-encoded (`…%3D%3D`), as the reference says: a client must decode them before re-sending. */
function newCursor(): { raw: string; encoded: string } {
  const raw = `${randomBytes(12).toString("base64")}==`;
  return { raw, encoded: encodeURIComponent(raw) };
}

function toExportRecord(store: ClevertapSimStore, e: SimEvent, index: number): Record<string, unknown> {
  const profile = store.findProfile(e.accountId, { objectId: e.objectId });
  return {
    profile: {
      objectId: e.objectId,
      platform: "API",
      ...(e.identity !== undefined ? { identity: e.identity } : {}),
      ...(typeof profile?.profileData.Email === "string" ? { email: profile.profileData.Email } : {}),
      profileData: profile?.profileData ?? {},
      id: index + 1,
    },
    ts: toExportTimestamp(e.ts, store.timezoneOffsetMinutes),
    event_props: e.evtData,
    session_props: {},
  };
}

function handleEvents(store: ClevertapSimStore, accountId: string, req: IncomingMessage, url: URL, body: string, res: ServerResponse): void {
  if (req.method === "GET") {
    const raw = url.searchParams.get("cursor");
    const cursor = raw === null ? undefined : store.eventCursors.get(raw);
    if (!cursor) return sendFail(res, 400, "Invalid cursor");
    if (!cursor.prepared) {
      cursor.prepared = true;
      return sendJson(res, 200, { status: "fail", error: "Request still in progress, please retry later" });
    }
    const page = cursor.events.slice(cursor.start, cursor.start + cursor.batchSize);
    const records = page.map((e, i) => toExportRecord(store, e, cursor.start + i));
    const answer: Record<string, unknown> = { status: "success", records };
    if (cursor.start + cursor.batchSize < cursor.events.length) {
      const next = newCursor();
      store.eventCursors.set(next.raw, { ...cursor, start: cursor.start + cursor.batchSize, prepared: true });
      answer.next_cursor = next.encoded;
    }
    return sendJson(res, 200, answer);
  }
  const query = parseJson(body);
  if (!isPlainObject(query) || typeof query.event_name !== "string") return sendFail(res, 400, "event_name is mandatory");
  if (query.event_name.startsWith("Notification ")) return sendFail(res, 400, "Export not allowed for this event");
  const from = readDay(query.from);
  const to = readDay(query.to);
  if (from === undefined || to === undefined) return sendFail(res, 400, "from and to must be dates as YYYYMMDD");
  const asked = Number(url.searchParams.get("batch_size") ?? 10);
  const batchSize = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_EVENTS_BATCH_SIZE) : 10;
  const filters = Array.isArray(query.event_properties) ? (query.event_properties as PropertyFilter[]) : [];
  const events = store.events.filter(
    (e) => e.accountId === accountId && e.evtName === query.event_name && e.ts >= from && e.ts < to + 86_400 && filters.every((f) => matchesFilter(e.evtData, f)),
  );
  const cursor = newCursor();
  store.eventCursors.set(cursor.raw, { events, start: 0, batchSize, prepared: false });
  sendJson(res, 200, { status: "success", cursor: cursor.encoded });
}

function authenticate(store: ClevertapSimStore, req: IncomingMessage): { account: SimAccount } | { error: string } {
  const accountId = req.headers["x-clevertap-account-id"];
  const passcode = req.headers["x-clevertap-passcode"];
  const account = typeof accountId === "string" ? store.accounts.get(accountId) : undefined;
  if (!account) return { error: "Account ID is not valid" };
  // A request sent to another region's host fails authentication instead of being redirected.
  const region = REGION_HOST.exec(req.headers.host ?? "");
  if (region && (region[1] ?? "eu1").toLowerCase() !== account.region) return { error: "Account ID is not valid" };
  if (passcode !== account.passcode) return { error: "Invalid Credentials" };
  return { account };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function createApiHandler(store: ClevertapSimStore) {
  const uploadsInFlight = new Map<string, number>();
  const readsInFlight = new Map<string, number>();

  return async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    store.stats.requests += 1;
    const isUpload = url.pathname === "/1/upload";
    if (isUpload) store.stats.uploads += 1;
    const auth = authenticate(store, req);
    if ("error" in auth) return sendFail(res, 401, auth.error);
    const accountId = auth.account.accountId;

    const faults = store.faults;
    if (chance(faults.resetRate)) {
      req.socket.destroy();
      return;
    }
    if (chance(faults.rate429)) {
      const headers: Record<string, string> = faults.retryAfterSeconds !== undefined ? { "retry-after": String(faults.retryAfterSeconds) } : {};
      return sendFail(res, 429, "Too many concurrent requests", headers);
    }
    if (chance(faults.rate5xx)) return sendFail(res, 503, "Service temporarily unavailable");

    const inFlight = isUpload ? uploadsInFlight : readsInFlight;
    const limit = isUpload ? MAX_UPLOADS_IN_FLIGHT : MAX_READS_IN_FLIGHT;
    const current = (inFlight.get(accountId) ?? 0) + 1;
    if (current > limit) {
      store.stats.concurrencyRejections += 1;
      return sendFail(res, 429, "Too many concurrent requests");
    }
    inFlight.set(accountId, current);
    if (isUpload) store.stats.maxUploadsInFlight = Math.max(store.stats.maxUploadsInFlight, current);
    try {
      if (faults.latencyMs) await sleep(faults.latencyMs);
      if (isUpload && req.method === "POST") {
        return handleUpload(store, accountId, body, url.searchParams.get("dryRun") === "1", res);
      }
      if (url.pathname === "/1/profile.json" && req.method === "GET") {
        store.stats.profileReads += 1;
        return handleProfileRead(store, accountId, url, res);
      }
      if (url.pathname === "/1/events.json" && (req.method === "POST" || req.method === "GET")) {
        store.stats.eventReads += 1;
        return handleEvents(store, accountId, req, url, body, res);
      }
      if (url.pathname === "/1/counts/events.json" && (req.method === "POST" || req.method === "GET")) {
        return handleEventCount(store, accountId, req, url, body, res);
      }
      return sendFail(res, 404, "Not found");
    } finally {
      inFlight.set(accountId, (inFlight.get(accountId) ?? 1) - 1);
    }
  };
}

function handleSim(store: ClevertapSimStore, req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  const accountId = url.searchParams.get("accountId") ?? undefined;
  if (url.pathname === "/__sim/records" && req.method === "GET") return sendJson(res, 200, store.listRecords(accountId));
  if (url.pathname === "/__sim/stats" && req.method === "GET") return sendJson(res, 200, store.stats);
  if (url.pathname === "/__sim/uploads" && req.method === "GET") {
    return sendJson(res, 200, { uploads: store.uploads.filter((u) => accountId === undefined || u.accountId === accountId) });
  }
  if (url.pathname === "/__sim/reset" && req.method === "POST") {
    store.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (url.pathname === "/__sim/faults" && req.method === "POST") {
    const faults = parseJson(body || "{}");
    if (!isPlainObject(faults)) return sendFail(res, 400, "faults must be a JSON object");
    store.faults = faults as SimFaults;
    return sendJson(res, 200, store.faults);
  }
  const profileMatch = /^\/__sim\/profiles\/([^/]+)$/.exec(url.pathname);
  if (profileMatch && req.method === "POST") {
    // Changes a profile behind the product's back, so verification tests can see a mismatch.
    const identity = decodeURIComponent(profileMatch[1]!);
    const profile = store.findProfile(accountId ?? SIM_ACCOUNT_ID, { identity });
    if (!profile) return sendFail(res, 404, `No profile with identity ${identity}`);
    const fields = parseJson(body);
    if (!isPlainObject(fields)) return sendFail(res, 400, "Body must be a JSON object of profile fields");
    Object.assign(profile.profileData, fields);
    return sendJson(res, 200, toProfileJson(profile));
  }
  sendFail(res, 404, "Not found");
}

export type ClevertapSimulator = {
  url: string;
  port: number;
  store: ClevertapSimStore;
  close(): Promise<void>;
};

export async function startClevertapSimulator(
  options: { port?: number; host?: string; accounts?: SimAccount[] } = {},
): Promise<ClevertapSimulator> {
  const host = options.host ?? "127.0.0.1";
  const store = new ClevertapSimStore(options.accounts ?? [{ accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }]);
  const handleApi = createApiHandler(store);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    readBody(req)
      .then((body) => (url.pathname.startsWith("/__sim/") ? handleSim(store, req, res, url, body) : handleApi(req, res, url, body)))
      .catch((error: unknown) => {
        if (!res.headersSent) sendFail(res, 500, error instanceof Error ? error.message : "Internal error");
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

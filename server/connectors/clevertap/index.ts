/**
 * CleverTap destination: profiles ("Update or Create") and events ("Send") through `POST /1/upload`.
 * Facts and their sources are in `shared/reference/clevertap-api.md`.
 */
import { z } from "zod";
import { env } from "~/env.js";
import { DestinationRequestError } from "../errors";
import { buildRequestHeaders } from "../request-headers";
import { isTransientHttpStatus } from "../transient-errors";
import type {
  Behavior,
  DestinationConnector,
  DestinationObject,
  FieldProblem,
  FieldValue,
  OutRecord,
  ReadBackRecord,
  ReadScheduler,
  RecordResult,
  StandardField,
} from "../types";

const REGIONS = {
  eu1: { label: "Europe", short: "EU", apiHost: "api.clevertap.com" },
  in1: { label: "India", short: "India", apiHost: "in1.api.clevertap.com" },
  sg1: { label: "Singapore", short: "Singapore", apiHost: "sg1.api.clevertap.com" },
  us1: { label: "United States", short: "US", apiHost: "us1.api.clevertap.com" },
  aps3: { label: "Indonesia", short: "Indonesia", apiHost: "aps3.api.clevertap.com" },
  mec1: { label: "Middle East", short: "Middle East", apiHost: "mec1.api.clevertap.com" },
} as const;

export type ClevertapRegion = keyof typeof REGIONS;
const REGION_CODES = Object.keys(REGIONS) as [ClevertapRegion, ...ClevertapRegion[]];

const configSchema = z.object({
  accountId: z
    .string("Enter the Account ID")
    .trim()
    .min(1, "Enter the Account ID")
    .meta({
      label: "Account ID",
      endpoint: true,
      help: "Locate the Project ID under Settings > Project from the CleverTap dashboard. It is also in the dashboard address: us1.dashboard.clevertap.com/<Account ID>/main.",
      placeholder: "948-4KK-444Z",
    }),
  passcode: z
    .string("Enter the Passcode")
    .trim()
    .min(1, "Enter the Passcode")
    .meta({
      label: "Passcode",
      help: "Locate the Passcode under Settings > Project from the CleverTap dashboard (Account-level Passcode for APIs).",
      secret: true,
      widget: "password",
    }),
  region: z.enum(REGION_CODES, "Choose the region of your CleverTap project").meta({
    label: "Region",
    endpoint: true,
    help: "Locate Region for the API endpoint under Settings > Project. The dashboard address shows it too: in1.dashboard.clevertap.com means India (in1); Europe projects use eu1 or no prefix.",
    widget: "select",
    optionLabels: Object.fromEntries(REGION_CODES.map((code) => [code, REGIONS[code].label])),
  }),
});

export type ClevertapConfig = z.infer<typeof configSchema>;

// Documented limits (§1.8); the event-property count uses the newest doc's default of 100.
const MAX_RECORDS_PER_UPLOAD = 1000;
const MAX_UPLOADS_IN_FLIGHT = 15;
const MAX_READS_IN_FLIGHT = 3;
const MAX_KEY_BYTES = 120;
const MAX_VALUE_BYTES = 512;
const MAX_EVENT_NAME_CHARS = 512;
const MAX_EVENT_PROPERTIES = 100;
const UPLOAD_TIMEOUT_MS = 60_000;
const READ_TIMEOUT_MS = 15_000;
// The SDKs strip these characters from event names and property keys; the server's handling is unknown.
const EVENT_NAME_FORBIDDEN = /[.:$'"\\]/;
const KEY_FORBIDDEN = /[:$'"\\]/;
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
const OBJECT_ID_PATTERN = /^[A-Za-z0-9()!:@$_-]{1,64}$/;
const PHONE_PATTERN = /^\+[1-9]\d{7,14}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const GENDERS: Record<string, string> = { m: "M", male: "M", f: "F", female: "F", o: "O", other: "O", others: "O", u: "U", unknown: "U" };
/** CleverTap's per-record codes that name a profile field. */
const FIELD_BY_CODE: Record<number, string> = { 514: "Gender", 515: "Email", 516: "Phone", 517: "Employed", 518: "Education", 519: "Married", 520: "Age" };

const identifiers = [
  { id: "identity", label: "User Identity", description: "Your own user ID, email or phone. An unknown identity creates a new profile." },
  { id: "objectId", label: "CleverTap Global Object ID", description: "The CleverTap ID of an existing profile (or a custom CleverTap ID)." },
];

const profileFields: StandardField[] = [
  { name: "Name", label: "Name", type: "string", aliases: ["name", "username", "fullname"] },
  { name: "Email", label: "Email", type: "string", aliases: ["email", "emailaddress", "mail"] },
  { name: "Phone", label: "Phone", type: "string", aliases: ["phone", "phonenumber", "mobile", "mobilenumber"], description: "+[country code][number], e.g. +14155551234" },
  { name: "Gender", label: "Gender", type: "string", aliases: ["gender", "sex"], description: "M, F, O or U (male/female/other/unknown are converted)" },
  { name: "DOB", label: "Date of birth", type: "date", aliases: ["dob", "dateofbirth", "birthday", "birthdate"] },
  { name: "Age", label: "Age", type: "number", aliases: ["age"], description: "Not needed when DOB is set" },
  { name: "Photo", label: "Photo URL", type: "string", aliases: ["photo", "photourl", "avatar", "avatarurl", "picture"] },
  { name: "Employed", label: "Employed", type: "string", aliases: ["employed"], description: "Y or N" },
  { name: "Education", label: "Education", type: "string", aliases: ["education"], description: "School, College or Graduate" },
  { name: "Married", label: "Married", type: "string", aliases: ["married"], description: "Y or N" },
  { name: "Customer Type", label: "Customer Type", type: "string", aliases: ["customertype"] },
  { name: "MSG-email", label: "Email subscription", type: "boolean", aliases: ["msgemail", "emailoptin"] },
  { name: "MSG-push", label: "Push subscription", type: "boolean", aliases: ["msgpush", "pushoptin"] },
  { name: "MSG-sms", label: "SMS subscription", type: "boolean", aliases: ["msgsms", "smsoptin"] },
  { name: "MSG-whatsapp", label: "WhatsApp subscription", type: "boolean", aliases: ["msgwhatsapp", "whatsappoptin"] },
];

const chargedFields: StandardField[] = [
  { name: "Amount", label: "Amount", type: "number", aliases: ["amount", "total", "revenue"], description: "Charged event (purchase), optional" },
  { name: "Currency", label: "Currency", type: "string", aliases: ["currency"], description: "Charged event, optional" },
  { name: "Charged ID", label: "Charged ID", type: "string", aliases: ["chargedid", "orderid", "transactionid"], description: "Charged event, optional" },
  { name: "Payment mode", label: "Payment mode", type: "string", aliases: ["paymentmode", "paymentmethod"], description: "Charged event, optional" },
];

const limits = { maxBatchRecords: MAX_RECORDS_PER_UPLOAD, maxConcurrency: MAX_UPLOADS_IN_FLIGHT, maxReadConcurrency: MAX_READS_IN_FLIGHT };
// Reference §1.5: nested objects are a per-account public beta CleverTap must enable; without it objects
// and arrays are not documented as property values (integrations send them as JSON text).
const NO_OBJECT_VALUES = (what: string) => ({
  accepted: false,
  note: `CleverTap ${what} properties do not accept objects or arrays (nested objects are a beta CleverTap enables per account). Map the column as String to send the JSON as text.`,
});

const objects: DestinationObject[] = [
  {
    id: "profile",
    label: "Profile",
    type: "profile",
    behaviors: [{ id: "upsert", label: "Update or Create", description: "Updates the profile with this identifier, or creates it when CleverTap has none." }],
    identifiers,
    standardFields: profileFields,
    supportsEventId: false,
    objectValues: NO_OBJECT_VALUES("profile"),
    limits,
  },
  {
    id: "event",
    label: "Event",
    type: "event",
    behaviors: [{ id: "append", label: "Send", description: "Each new row raises one event on the user's profile." }],
    identifiers,
    standardFields: chargedFields,
    supportsEventId: false,
    objectValues: NO_OBJECT_VALUES("event"),
    limits,
  },
];

/** The API base URL for a region; `CLEVERTAP_API_BASE_URL` (tests only) replaces it. */
export function resolveClevertapApiBase(region: ClevertapRegion): string {
  return env.CLEVERTAP_API_BASE_URL?.replace(/\/+$/, "") ?? `https://${REGIONS[region].apiHost}`;
}

function describeHost(region: ClevertapRegion): string {
  return new URL(resolveClevertapApiBase(region)).host;
}

function describeAuthFailure(config: ClevertapConfig): string {
  return `CleverTap rejected the Account ID or Passcode for region ${REGIONS[config.region].short} (${config.region})`;
}

function buildHeaders(config: ClevertapConfig): Headers {
  return buildRequestHeaders({ "X-CleverTap-Account-Id": config.accountId, "X-CleverTap-Passcode": config.passcode, "Content-Type": "application/json" }, "CleverTap");
}

function combineSignals(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** fetch with the region's host; network failures become retryable errors that name the host. */
async function requestClevertap(
  config: ClevertapConfig,
  path: string,
  init: { method: string; body?: string; timeoutMs: number; signal?: AbortSignal },
): Promise<Response> {
  const host = describeHost(config.region);
  const headers = buildHeaders(config);
  try {
    return await fetch(`${resolveClevertapApiBase(config.region)}${path}`, {
      method: init.method,
      headers,
      body: init.body,
      signal: combineSignals(init.timeoutMs, init.signal),
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut ? `no answer within ${init.timeoutMs / 1000} s` : describeNetworkError(error);
    throw new DestinationRequestError(`Could not reach CleverTap at ${host}: ${reason}`, { retryable: true, cause: error });
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : "network error");
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function readJson(res: Response): Promise<unknown> {
  try {
    return (await res.json()) as unknown;
  } catch {
    return undefined;
  }
}

function readErrorText(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === "string" ? error : undefined;
}

/** Turns a non-2xx answer into the error the engine acts on (retry, split, or stop). */
async function toRequestError(config: ClevertapConfig, res: Response): Promise<DestinationRequestError> {
  const text = readErrorText(await readJson(res));
  const status = res.status;
  const host = describeHost(config.region);
  if (status === 401 || status === 403) {
    return new DestinationRequestError(describeAuthFailure(config), { status, retryable: false, code: String(status) });
  }
  if (status === 429) {
    return new DestinationRequestError(`CleverTap at ${host} answered 429: ${text ?? "Too many concurrent requests"}`, {
      status,
      retryable: true,
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after")),
      code: "429",
    });
  }
  if (isTransientHttpStatus(status)) {
    return new DestinationRequestError(`CleverTap at ${host} answered ${status}${text ? `: ${text}` : ""}`, { status, retryable: true, code: String(status) });
  }
  return new DestinationRequestError(`CleverTap refused the request (${status})${text ? `: ${text}` : ""}`, {
    status,
    retryable: false,
    batchRejected: status === 400 || status === 413,
    code: String(status),
  });
}

function toEpochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function toClevertapValue(field: string, value: FieldValue): string | number | boolean {
  if (value instanceof Date) return `$D_${toEpochSeconds(value)}`;
  if (field === "Gender" && typeof value === "string") return GENDERS[value.trim().toLowerCase()] ?? value;
  if ((field === "Employed" || field === "Married") && typeof value === "boolean") return value ? "Y" : "N";
  return value as string | number | boolean;
}

/** Null values are left out: CleverTap documents no way to clear a property through the upload API. */
function toClevertapData(fields: Record<string, FieldValue>): Record<string, string | number | boolean> {
  const data: Record<string, string | number | boolean> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) data[field] = toClevertapValue(field, value);
  }
  return data;
}

function buildUploadRecord(object: DestinationObject, record: OutRecord): Record<string, unknown> {
  const root = { [record.identifier.type]: record.identifier.value };
  if (object.type === "event") {
    const ts = record.event?.timestamp;
    return {
      ...root,
      type: "event",
      evtName: record.event?.name,
      ...(ts ? { ts: toEpochSeconds(ts) } : {}),
      evtData: toClevertapData(record.fields),
    };
  }
  return { ...root, type: "profile", profileData: toClevertapData(record.fields) };
}

function checkProfileField(field: string, value: FieldValue): string | undefined {
  if (value === null) return undefined;
  switch (field) {
    case "Email":
      return typeof value === "string" && EMAIL_PATTERN.test(value) ? undefined : "is not a valid email address";
    case "Phone":
      return typeof value === "string" && PHONE_PATTERN.test(value)
        ? undefined
        : "must start with + and the country code, digits only (e.g. +14155551234)";
    case "Gender":
      return typeof value === "string" && GENDERS[value.trim().toLowerCase()] ? undefined : "must be M, F, O or U (or male, female, other, unknown)";
    case "Employed":
    case "Married":
      return value === "Y" || value === "N" || typeof value === "boolean" ? undefined : "must be Y or N";
    case "Education":
      return value === "School" || value === "College" || value === "Graduate" ? undefined : "must be School, College or Graduate";
    case "Age":
      return Number.isFinite(Number(value)) && String(value).trim() !== "" && typeof value !== "boolean" ? undefined : "must be a number";
    case "DOB":
      return value instanceof Date ? undefined : "must be a date";
    default:
      return undefined;
  }
}

function checkValue(value: FieldValue): string | undefined {
  if (typeof value === "object" && value !== null && !(value instanceof Date)) return "is an object or array; CleverTap properties take text, numbers, booleans and dates";
  if (typeof value === "string" && Buffer.byteLength(value) > MAX_VALUE_BYTES) {
    return `is ${Buffer.byteLength(value)} bytes long; CleverTap allows at most ${MAX_VALUE_BYTES} bytes`;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return "is not a finite number";
  if (value instanceof Date && Number.isNaN(value.getTime())) return "is not a valid date";
  return undefined;
}

function checkKey(key: string): string | undefined {
  if (key.trim() === "") return "field name is empty";
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `field name is longer than ${MAX_KEY_BYTES} bytes`;
  if (KEY_FORBIDDEN.test(key)) return `field name contains a character CleverTap does not allow in keys (: $ ' " \\)`;
  return undefined;
}

function checkIdentifier(record: OutRecord): FieldProblem[] {
  const { type, value } = record.identifier;
  if (type !== "identity" && type !== "objectId") return [{ field: type, reason: `"${type}" is not a CleverTap identifier (use identity or objectId)` }];
  if (value.trim() === "") return [{ field: type, reason: "is empty" }];
  if (type === "objectId" && !OBJECT_ID_PATTERN.test(value)) {
    return [{ field: type, reason: "must be 1–64 characters of letters, digits and ( ) ! : @ $ _ -", code: "526" }];
  }
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) return [{ field: type, reason: `is longer than ${MAX_VALUE_BYTES} bytes` }];
  return [];
}

function checkEvent(record: OutRecord): FieldProblem[] {
  const name = record.event?.name;
  if (name === undefined || name.trim() === "") return [{ field: "evtName", reason: "the event name is missing", code: "509" }];
  const problems: FieldProblem[] = [];
  if (name.length > MAX_EVENT_NAME_CHARS) problems.push({ field: "evtName", reason: `the event name is longer than ${MAX_EVENT_NAME_CHARS} characters` });
  if (EVENT_NAME_FORBIDDEN.test(name)) problems.push({ field: "evtName", reason: `the event name "${name}" contains . : $ ' " or \\` });
  if (RESTRICTED_EVENT_NAMES.has(name)) problems.push({ field: "evtName", reason: `"${name}" is a restricted CleverTap system event`, code: "513" });
  const ts = record.event?.timestamp;
  if (ts && (Number.isNaN(ts.getTime()) || ts.getTime() < 1000)) problems.push({ field: "ts", reason: "the event time is not a valid date after 1970", code: "525" });
  const count = Object.values(record.fields).filter((v) => v !== null).length;
  if (count > MAX_EVENT_PROPERTIES) problems.push({ reason: `the event has ${count} properties; CleverTap allows ${MAX_EVENT_PROPERTIES} by default`, code: "522" });
  return problems;
}

function validateRecord(p: { object: DestinationObject; behavior: Behavior; record: OutRecord }): FieldProblem[] {
  const { object, behavior, record } = p;
  const problems: FieldProblem[] = [];
  if (!object.behaviors.some((b) => b.id === behavior)) problems.push({ reason: `CleverTap ${object.label} does not support the "${behavior}" behaviour` });
  problems.push(...checkIdentifier(record));
  if (object.type === "event") problems.push(...checkEvent(record));
  for (const [field, value] of Object.entries(record.fields)) {
    const reason = checkKey(field) ?? checkValue(value) ?? (object.type === "profile" ? checkProfileField(field, value) : undefined);
    if (reason) problems.push({ field, reason });
  }
  return problems;
}

type UnprocessedEntry = { code?: unknown; error?: unknown; record?: unknown };

function findRecordIndex(entry: UnprocessedEntry, sent: Record<string, unknown>[], taken: Set<number>): number | undefined {
  const error = typeof entry.error === "string" ? entry.error : "";
  const numbered = /Skipped record number\s*:\s*(\d+)/i.exec(error);
  if (numbered) {
    const index = Number(numbered[1]) - 1;
    if (index >= 0 && index < sent.length) return index;
  }
  // Without a record number, match the echoed record.
  const echoed = JSON.stringify(entry.record);
  const index = sent.findIndex((r, i) => !taken.has(i) && JSON.stringify(r) === echoed);
  return index >= 0 ? index : undefined;
}

function toRejection(key: string, entry: UnprocessedEntry): Extract<RecordResult, { status: "rejected" }> {
  const code = typeof entry.code === "number" ? entry.code : Number(entry.code);
  const message = (typeof entry.error === "string" ? entry.error : "CleverTap did not process this record")
    .replace(/\s*Skipped record number\s*:\s*\d+\s*$/i, "")
    .trim();
  const field = FIELD_BY_CODE[code];
  return { key, status: "rejected", message, ...(Number.isFinite(code) ? { code: String(code) } : {}), ...(field ? { field } : {}) };
}

async function write(p: { config: ClevertapConfig; object: DestinationObject; behavior: Behavior; records: OutRecord[]; signal?: AbortSignal }): Promise<RecordResult[]> {
  const { config, object, records } = p;
  if (records.length === 0) return [];
  const sent = records.map((r) => buildUploadRecord(object, r));
  const res = await requestClevertap(config, "/1/upload", { method: "POST", body: JSON.stringify({ d: sent }), timeoutMs: UPLOAD_TIMEOUT_MS, signal: p.signal });
  if (!res.ok) throw await toRequestError(config, res);
  const body = (await readJson(res)) as { status?: unknown; processed?: unknown; unprocessed?: unknown } | undefined;
  if (!body || typeof body.status !== "string") {
    throw new DestinationRequestError(`CleverTap at ${describeHost(config.region)} answered ${res.status} without a readable upload result`, {
      status: res.status,
      retryable: true,
    });
  }
  const unprocessed = Array.isArray(body.unprocessed) ? (body.unprocessed as UnprocessedEntry[]) : [];
  if (body.status === "fail" && unprocessed.length === 0) {
    // Nothing processed and no reason given: let the engine split the batch to find the culprit.
    if (records.length > 1) {
      throw new DestinationRequestError("CleverTap processed none of the records and gave no reason", { status: res.status, retryable: false, batchRejected: true });
    }
    return [{ key: records[0]!.key, status: "rejected", message: "CleverTap did not process this record and gave no reason" }];
  }

  const results: (RecordResult | undefined)[] = new Array(records.length);
  const taken = new Set<number>();
  let unattributed: UnprocessedEntry | undefined;
  for (const entry of unprocessed) {
    const index = findRecordIndex(entry, sent, taken);
    if (index === undefined) {
      unattributed = entry;
      continue;
    }
    taken.add(index);
    results[index] = toRejection(records[index]!.key, entry);
  }
  return records.map((record, i): RecordResult => {
    const result = results[i];
    if (result) return result;
    // CleverTap left a record unprocessed without saying which: none of the others can be trusted as
    // accepted, and rejected rows are simply retried on the next run.
    if (unattributed) return { ...toRejection(record.key, unattributed), message: "CleverTap left a record of this batch unprocessed without saying which" };
    return { key: record.key, status: "accepted" };
  });
}

function fromClevertapValue(value: unknown): unknown {
  if (typeof value === "string") {
    const date = /^\$D_(-?\d+)$/.exec(value);
    if (date) return new Date(Number(date[1]) * 1000);
  }
  return value;
}

type ProfileJson = {
  status?: unknown;
  record?: {
    identity?: unknown;
    email?: unknown;
    name?: unknown;
    objectId?: unknown;
    profileData?: Record<string, unknown>;
    platformInfo?: { objectId?: unknown }[];
  } | null;
};

async function readProfile(config: ClevertapConfig, record: OutRecord, signal?: AbortSignal): Promise<ReadBackRecord> {
  const param = record.identifier.type === "objectId" ? "objectId" : "identity";
  const res = await requestClevertap(config, `/1/profile.json?${param}=${encodeURIComponent(record.identifier.value)}`, {
    method: "GET",
    timeoutMs: READ_TIMEOUT_MS,
    signal,
  });
  // An unknown profile's answer is undocumented: a 200 without a record, a fail body, 400 or 404.
  if (res.status === 400 || res.status === 404) return { key: record.key, found: false };
  if (!res.ok) throw await toRequestError(config, res);
  const body = (await readJson(res)) as ProfileJson | undefined;
  const found = body?.status === "success" ? body.record : undefined;
  if (!found) return { key: record.key, found: false };

  const fields: Record<string, unknown> = {};
  // Standard fields may come back at the top level in lower case (the documented example has `email`).
  if (typeof found.email === "string") fields.Email = found.email;
  if (typeof found.name === "string") fields.Name = found.name;
  for (const [field, value] of Object.entries(found.profileData ?? {})) fields[field] = fromClevertapValue(value);
  // CleverTap stores some standard fields in its own codes (male → M, true → Y): a stored code that is
  // exactly what the sent value converts to reads back as the sent value, so verification compares like with like.
  for (const [field, sent] of Object.entries(record.fields)) {
    if (sent === null || sent instanceof Date || !(field in fields)) continue;
    const converted = toClevertapValue(field, sent);
    if (converted !== sent && converted === found.profileData?.[field]) fields[field] = sent;
  }
  const objectId = found.platformInfo?.find((p) => typeof p.objectId === "string")?.objectId ?? found.objectId;
  return { key: record.key, found: true, fields, ...(typeof objectId === "string" ? { externalId: objectId } : {}) };
}

type ExportRecord = { profile?: { identity?: unknown; objectId?: unknown }; ts?: unknown; event_props?: Record<string, unknown> };
type EventsPage = { status?: unknown; error?: unknown; cursor?: unknown; next_cursor?: unknown; records?: unknown };

/** Get Events API pages read at most per event name and day while looking for a sample (5000 events a page). */
const MAX_EVENT_PAGES = 20;
const EVENTS_BATCH_SIZE = 5000;

function toDay(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, "");
}

/** `ts` of an exported event, `yyyyMMddHHmmss` in the project's timezone, read as if it were UTC. */
function parseExportTimestamp(value: unknown): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(String(value ?? ""));
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}

/**
 * The export's `ts` is local to the project's timezone, which no response names: an exported event
 * can be the sent one when the two differ by a whole timezone offset (a multiple of 15 minutes, at
 * most 14 hours).
 */
function sameInstantInSomeTimezone(sentSeconds: number, exportedAsUtc: number): boolean {
  const offset = exportedAsUtc - sentSeconds;
  return Math.abs(offset) <= 14 * 3600 && offset % 900 === 0;
}

/** One Get Events API call; `null` while CleverTap still prepares the export (ask again for the same cursor). */
async function fetchEventsJson(config: ClevertapConfig, path: string, init: { method: string; body?: string }, signal?: AbortSignal): Promise<EventsPage | null> {
  const res = await requestClevertap(config, path, { ...init, timeoutMs: READ_TIMEOUT_MS, signal });
  if (!res.ok) throw await toRequestError(config, res);
  const body = (await readJson(res)) as EventsPage | undefined;
  if (body?.status === "success") return body;
  const error = readErrorText(body) ?? "no readable answer";
  // ingestr saw "Request still in progress, please retry later" while the export is prepared.
  if (/in progress/i.test(error)) return null;
  throw new DestinationRequestError(`CleverTap's Get Events API answered: ${error}`, { status: res.status, retryable: false, code: "events_fail" });
}

const MAX_EXPORT_POLLS = 8;

/** Fetches a cursor's page, asking again with a growing pause while the export is being prepared. */
async function fetchEventsPage(config: ClevertapConfig, cursor: string, schedule: ReadScheduler, signal?: AbortSignal): Promise<EventsPage> {
  for (let poll = 0; ; poll += 1) {
    const page = await schedule(() => fetchEventsJson(config, `/1/events.json?cursor=${encodeURIComponent(cursor)}`, { method: "GET" }, signal));
    if (page) return page;
    if (poll + 1 >= MAX_EXPORT_POLLS) throw new DestinationRequestError(`CleverTap was still preparing the event export after ${MAX_EXPORT_POLLS} polls`, { retryable: false, code: "in_progress" });
    await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** poll)));
    signal?.throwIfAborted();
  }
}

/** How many of the sent fields an exported event holds with the same value. */
function countMatchingFields(record: OutRecord, props: Record<string, unknown>): number {
  return Object.entries(record.fields).filter(([field, sent]) => sent !== null && String(toClevertapValue(field, sent)) === String(props[field])).length;
}

/**
 * Reads sampled events back through the Get Events API (reference §3.2): one export per event name and
 * sampled day (a day wider on each side, for the project's timezone), paged by cursor until every
 * sampled event of that day is found. An exported event matches a sent one by identity and time; the one holding
 * most of the sent values wins, and each exported event matches once.
 */
async function readEvents(config: ClevertapConfig, records: OutRecord[], schedule: ReadScheduler, signal?: AbortSignal): Promise<ReadBackRecord[]> {
  const found = new Map<OutRecord, ReadBackRecord>();
  // One export per event name and day keeps each export small however long the event history is.
  const groups = new Map<string, { name: string; at: number; sample: OutRecord[] }>();
  const now = Date.now();
  for (const record of records) {
    const name = record.event?.name ?? "";
    // Without a time of its own, an event is stamped on arrival: during the run, before now.
    const at = record.event?.timestamp?.getTime() ?? now;
    const key = `${name}\u0000${toDay(new Date(at))}`;
    const group = groups.get(key) ?? { name, at, sample: [] };
    group.sample.push(record);
    groups.set(key, group);
  }
  await Promise.all(
    [...groups.values()].map(async ({ name, at, sample }) => {
      const from = toDay(new Date(at - 86_400_000));
      const to = toDay(new Date(at + 86_400_000));
      const start = await schedule(() =>
        fetchEventsJson(config, `/1/events.json?batch_size=${EVENTS_BATCH_SIZE}`, { method: "POST", body: JSON.stringify({ event_name: name, from: Number(from), to: Number(to) }) }, signal),
      );
      // The cursor comes percent-encoded and is sent back decoded (reference §3.2).
      let cursor = typeof start?.cursor === "string" ? decodeURIComponent(start.cursor) : undefined;
      const waiting = new Set(sample);
      for (let page = 0; cursor && waiting.size > 0 && page < MAX_EVENT_PAGES; page += 1) {
        const body = await fetchEventsPage(config, cursor, schedule, signal);
        for (const exported of Array.isArray(body.records) ? (body.records as ExportRecord[]) : []) {
          const ts = parseExportTimestamp(exported.ts);
          const props = exported.event_props ?? {};
          let best: { record: OutRecord; score: number } | undefined;
          for (const record of waiting) {
            const who = record.identifier.type === "objectId" ? exported.profile?.objectId : exported.profile?.identity;
            if (String(who ?? "") !== record.identifier.value) continue;
            const sentTs = record.event?.timestamp;
            if (sentTs && (ts === undefined || !sameInstantInSomeTimezone(Math.floor(sentTs.getTime() / 1000), ts))) continue;
            const score = countMatchingFields(record, props);
            if (!best || score > best.score) best = { record, score };
          }
          if (!best) continue;
          waiting.delete(best.record);
          const fields: Record<string, unknown> = {};
          for (const [field, value] of Object.entries(props)) fields[field] = fromClevertapValue(value);
          const objectId = exported.profile?.objectId;
          found.set(best.record, { key: best.record.key, found: true, fields, ...(typeof objectId === "string" ? { externalId: objectId } : {}) });
        }
        cursor = typeof body.next_cursor === "string" && body.next_cursor !== "" ? decodeURIComponent(body.next_cursor) : undefined;
      }
    }),
  );
  return records.map((record) => found.get(record) ?? { key: record.key, found: false });
}

async function readBack(p: {
  config: ClevertapConfig;
  object: DestinationObject;
  records: OutRecord[];
  signal?: AbortSignal;
  schedule?: ReadScheduler;
}): Promise<ReadBackRecord[] | null> {
  // The schedule holds the account's 3 reads in flight; without one, reads go one at a time.
  const schedule = p.schedule ?? createSerialSchedule();
  if (p.object.type === "event") return readEvents(p.config, p.records, schedule, p.signal);
  return Promise.all(p.records.map((record) => schedule(() => readProfile(p.config, record, p.signal))));
}

function createSerialSchedule(): ReadScheduler {
  let turn: Promise<unknown> = Promise.resolve();
  return <T>(request: () => Promise<T>) => {
    const mine = turn.then(request);
    turn = mine.catch(() => {});
    return mine;
  };
}

function dashboardBase(config: ClevertapConfig): string {
  return `https://${config.region}.dashboard.clevertap.com/${encodeURIComponent(config.accountId)}`;
}

/**
 * The guides' last step: see synced profiles under Segments (Find People) and synced events under Event
 * Analytics. Those pages' addresses are undocumented (reference §4), so both links open the account's
 * documented home and say where to go from there; profile pages use the unconfirmed pattern below.
 */
async function dashboardLinks(p: { config: ClevertapConfig; object: DestinationObject; records: ReadBackRecord[] }): Promise<{ label: string; url: string }[]> {
  const base = dashboardBase(p.config);
  const home = `${base}/main`;
  const links = [{ label: `CleverTap dashboard (${REGIONS[p.config.region].label})`, url: home }];
  const example = p.records.find((r) => r.found)?.key;
  if (p.object.type === "profile") {
    links.push({ label: `Segments: open Segments > Find People${example ? ` and search for ${example}` : ""} to see the synced profiles`, url: home });
  } else {
    links.push({ label: "Event Analytics: open Analytics > Events and pick the synced event to see its count by day", url: home });
  }
  for (const record of p.records) {
    // The profile page pattern is undocumented; the dashboard link above stays as the fallback.
    if (record.externalId && p.object.type === "profile") links.push({ label: `Profile ${record.key}`, url: `${base}/${encodeURIComponent(record.externalId)}/profile-view.html` });
  }
  return links;
}

async function check(p: { config: ClevertapConfig; signal?: AbortSignal }): Promise<{ ok: boolean; message: string }> {
  const { config } = p;
  const host = describeHost(config.region);
  try {
    // profile.json is documented, authenticated and writes nothing; the identity need not exist.
    const res = await requestClevertap(config, "/1/profile.json?identity=connection-check", { method: "GET", timeoutMs: READ_TIMEOUT_MS, signal: p.signal });
    if (res.ok || res.status === 400 || res.status === 404) return { ok: true, message: `Connected to CleverTap ${REGIONS[config.region].label} (${host})` };
    const error = await toRequestError(config, res);
    return { ok: false, message: error.message };
  } catch (error) {
    if (error instanceof DestinationRequestError) return { ok: false, message: error.message };
    throw error;
  }
}

export const clevertapConnector = {
  id: "clevertap",
  kind: "destination",
  label: "CleverTap",
  description: "Send user profiles and events to CleverTap through its server-side Upload API.",
  verified: true,
  configSchema,
  objects,
  check,
  validateRecord,
  buildPayload: ({ object, record }) => buildUploadRecord(object, record),
  measureRecord: ({ object, record }) => Buffer.byteLength(JSON.stringify(buildUploadRecord(object, record))) + 1,
  write,
  readBack,
  dashboardLinks,
} satisfies DestinationConnector<ClevertapConfig>;

/**
 * CleverTap destination: profiles ("Update or Create") and events ("Send") through `POST /1/upload`.
 * Facts and their sources are in `shared/reference/clevertap-api.md`.
 */
import { z } from "zod";
import { env } from "~/env.js";
import { DestinationRequestError } from "../errors";
import type {
  Behavior,
  DestinationConnector,
  DestinationObject,
  FieldProblem,
  FieldValue,
  OutRecord,
  ReadBackRecord,
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

const limits = { maxBatchRecords: MAX_RECORDS_PER_UPLOAD, maxConcurrency: MAX_UPLOADS_IN_FLIGHT };
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

function buildHeaders(config: ClevertapConfig): Record<string, string> {
  return {
    "X-CleverTap-Account-Id": config.accountId,
    "X-CleverTap-Passcode": config.passcode,
    "Content-Type": "application/json",
  };
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
  try {
    return await fetch(`${resolveClevertapApiBase(config.region)}${path}`, {
      method: init.method,
      headers: buildHeaders(config),
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
  if (status >= 500) {
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

async function readBack(p: { config: ClevertapConfig; object: DestinationObject; records: OutRecord[]; signal?: AbortSignal }): Promise<ReadBackRecord[] | null> {
  // Events have no per-event read API: the export APIs return no event name and local-time timestamps.
  if (p.object.type !== "profile") return null;
  const results: ReadBackRecord[] = new Array(p.records.length);
  let next = 0;
  // Read APIs allow 3 requests in flight per account.
  const worker = async () => {
    while (next < p.records.length) {
      const i = next++;
      results[i] = await readProfile(p.config, p.records[i]!, p.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_READS_IN_FLIGHT, p.records.length) }, worker));
  return results;
}

function dashboardBase(config: ClevertapConfig): string {
  return `https://${config.region}.dashboard.clevertap.com/${encodeURIComponent(config.accountId)}`;
}

async function dashboardLinks(p: { config: ClevertapConfig; object: DestinationObject; records: ReadBackRecord[] }): Promise<{ label: string; url: string }[]> {
  const base = dashboardBase(p.config);
  const links = [{ label: `CleverTap dashboard (${REGIONS[p.config.region].label})`, url: `${base}/main` }];
  for (const record of p.records) {
    // The profile page pattern is undocumented; the dashboard link above stays as the fallback.
    if (record.externalId) links.push({ label: `Profile ${record.key}`, url: `${base}/${encodeURIComponent(record.externalId)}/profile-view.html` });
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
  measureRecord: ({ object, record }) => Buffer.byteLength(JSON.stringify(buildUploadRecord(object, record))) + 1,
  write,
  readBack,
  dashboardLinks,
} satisfies DestinationConnector<ClevertapConfig>;

/**
 * Customer.io destination: People (identify) and Events through the Track API v2 batch endpoint, with
 * optional read-back through the App API. Facts: shared/reference/customerio-api.md.
 */
import { DestinationRequestError } from "../errors";
import type { CheckResult, DestinationConnector, RecordResult } from "../types";
import {
  customerioConfigSchema,
  readAppApiKey,
  REGION_LABELS,
  resolveAppBaseUrl,
  resolveDashboardBaseUrl,
  resolveTrackBaseUrl,
  type CustomerioConfig,
  type CustomerioRegion,
} from "./config";
import { CUSTOMERIO_OBJECTS } from "./objects";
import { buildBatchItem, measureRecordItem, serializeRecords } from "./batch-item";
import { validateCustomerioRecord } from "./validate-record";
import { describeApiError, hostOf, sendRequest, throwForStatus, TIMEOUTS, trackAuthHeader } from "./request";
import { APP_AUTH_MESSAGE, readBackPeople } from "./read-back";

export type { CustomerioConfig } from "./config";

const TRACK_AUTH_MESSAGE = "Customer.io rejected the Site ID or API Key. Copy both again from Account Settings > API Credentials, and check the Region.";
/** A reserved address: the App API answers an empty result for it, which proves the key works. */
const APP_KEY_PROBE_EMAIL = "connection-check@example.invalid";

type AccountRegion = { region?: CustomerioRegion; environmentId?: number };

/** `GET /api/v1/accounts/region`: credentials test, the account's region and its workspace id. */
async function fetchAccountRegion(config: CustomerioConfig, signal?: AbortSignal): Promise<AccountRegion> {
  const url = `${resolveTrackBaseUrl(config.region)}/api/v1/accounts/region`;
  const response = await sendRequest({ url, method: "GET", authorization: trackAuthHeader(config), timeoutMs: TIMEOUTS.checkMs, signal });
  if (response.status !== 200) throwForStatus(response, { url, authMessage: TRACK_AUTH_MESSAGE });
  try {
    const body = JSON.parse(response.text) as { region?: unknown; environment_id?: unknown };
    return {
      region: body.region === "us" || body.region === "eu" ? body.region : undefined,
      environmentId: typeof body.environment_id === "number" ? body.environment_id : undefined,
    };
  } catch {
    return {};
  }
}

async function checkAppApiKey(config: CustomerioConfig, appApiKey: string, signal?: AbortSignal): Promise<CheckResult | undefined> {
  const url = `${resolveAppBaseUrl(config.region)}/v1/customers?email=${encodeURIComponent(APP_KEY_PROBE_EMAIL)}`;
  const response = await sendRequest({ url, method: "GET", authorization: `Bearer ${appApiKey}`, timeoutMs: TIMEOUTS.checkMs, signal });
  if (response.status === 200) return undefined;
  if (response.status === 401 || response.status === 403) return { ok: false, message: `The Site ID and API Key work, but ${APP_AUTH_MESSAGE}` };
  const detail = describeApiError(response.text);
  return { ok: false, message: `${hostOf(url)} answered HTTP ${response.status} when checking the App API Key${detail ? `: ${detail}` : ""}` };
}

async function checkConnection(config: CustomerioConfig, signal?: AbortSignal): Promise<CheckResult> {
  try {
    const account = await fetchAccountRegion(config, signal);
    // The region endpoint answers on either regional host, so a mismatch is visible here.
    if (account.region && account.region !== config.region) {
      const label = REGION_LABELS[account.region];
      return { ok: false, message: `The Site ID and API Key are valid, but this Customer.io account is in the ${label} region. Change Region to ${label}.` };
    }
    const appApiKey = readAppApiKey(config);
    if (appApiKey) {
      const failure = await checkAppApiKey(config, appApiKey, signal);
      if (failure) return failure;
    }
    const workspace = account.environmentId === undefined ? "" : ` workspace ${account.environmentId}`;
    const readBack = appApiKey ? "; the App API Key works, so deliveries can be verified" : "";
    return { ok: true, message: `Connected to Customer.io${workspace} (${REGION_LABELS[config.region]})${readBack}.` };
  } catch (error) {
    if (error instanceof DestinationRequestError) return { ok: false, message: error.message };
    throw error;
  }
}

type BatchError = { batch_index?: unknown; reason?: unknown; field?: unknown; message?: unknown };

/** Field names in 207 errors are paths (`attributes.plan`, `identifiers.id`); the mapping knows `plan`, `id`. */
function toMappedField(path: string): string | undefined {
  if (!path) return undefined;
  return path.replace(/^(attributes|identifiers)\./, "");
}

/** 207: "At least one object in the batch was invalid; all other requests are accepted." */
function mapMultiStatus(text: string, keys: string[], host: string): RecordResult[] {
  let errors: BatchError[];
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(body.errors)) throw new Error("no errors array");
    errors = body.errors as BatchError[];
  } catch (error) {
    throw new DestinationRequestError(`${host} answered 207 without a readable list of rejected items`, { status: 207, retryable: false, cause: error });
  }
  const byIndex = new Map<number, BatchError[]>();
  for (const error of errors) {
    if (typeof error.batch_index !== "number" || error.batch_index < 0 || error.batch_index >= keys.length) continue;
    byIndex.set(error.batch_index, [...(byIndex.get(error.batch_index) ?? []), error]);
  }
  return keys.map((key, index) => {
    const itemErrors = byIndex.get(index);
    if (!itemErrors) return { key, status: "accepted" };
    const first = itemErrors[0]!;
    const message = itemErrors
      .map((e) => [typeof e.field === "string" && e.field ? `${e.field}: ` : "", typeof e.message === "string" ? e.message : "invalid"].join(""))
      .join("; ");
    const field = typeof first.field === "string" ? toMappedField(first.field) : undefined;
    return {
      key,
      status: "rejected",
      message,
      ...(typeof first.reason === "string" ? { code: first.reason } : {}),
      ...(field ? { field } : {}),
    };
  });
}

export const customerioConnector = {
  id: "customerio",
  kind: "destination",
  label: "Customer.io",
  description: "Sync people and events to Customer.io through its Track API.",
  verified: true,
  configSchema: customerioConfigSchema,
  objects: CUSTOMERIO_OBJECTS,

  check: ({ config, signal }) => checkConnection(config, signal),

  validateRecord: validateCustomerioRecord,

  buildPayload: ({ object, behavior, record }) => buildBatchItem(object.id, behavior, record),

  // Person items are measured with `_update` so the size holds for either behaviour.
  measureRecord: ({ object, record }) => measureRecordItem(object.id, "update", record),

  async write({ config, object, behavior, records, signal }) {
    if (records.length === 0) return [];
    const url = `${resolveTrackBaseUrl(config.region)}/api/v2/batch`;
    const body = serializeRecords(object.id, behavior, records);
    const response = await sendRequest({ url, method: "POST", authorization: trackAuthHeader(config), body, timeoutMs: TIMEOUTS.writeMs, signal });
    const keys = records.map((r) => r.key);
    if (response.status === 207) return mapMultiStatus(response.text, keys, hostOf(url));
    if (response.status >= 200 && response.status < 300) return keys.map((key) => ({ key, status: "accepted" as const }));
    throwForStatus(response, { url, authMessage: TRACK_AUTH_MESSAGE, batch: true });
  },

  async readBack({ config, object, records, signal, schedule }) {
    const appApiKey = readAppApiKey(config);
    // Events have no dependable read API (activities are sampled and unconfirmed for event data).
    if (!appApiKey || object.id !== "person") return null;
    return readBackPeople({ config, appApiKey, records, signal, schedule });
  },

  async dashboardLinks({ config, records, signal }) {
    let account: AccountRegion = {};
    try {
      account = await fetchAccountRegion(config, signal);
    } catch {
      // Links still work through Customer.io's "last workspace" alias.
    }
    const base = `${resolveDashboardBaseUrl(account.region ?? config.region)}/workspaces/${account.environmentId ?? "last"}/journeys/people`;
    const people = records
      .filter((r) => r.found && r.externalId)
      .map((r) => ({ label: `Person ${r.key} in Customer.io`, url: `${base}/${encodeURIComponent(r.externalId!)}/activity` }));
    return [{ label: "People in Customer.io", url: base }, ...people];
  },
} satisfies DestinationConnector<CustomerioConfig>;

/**
 * Read-back through the App API (reference §5): bulk `POST /v1/customers/attributes`, 100 identifiers
 * per call, paced under the documented 10 requests/s. Every attribute comes back as a string, so
 * values are converted back to the type that was sent.
 */
import { DestinationRequestError } from "../errors";
import type { FieldValue, OutRecord, ReadBackRecord } from "../types";
import { resolveAppBaseUrl, type CustomerioConfig } from "./config";
import { buildIdentifiers } from "./batch-item";
import { sendRequest, throwForStatus, TIMEOUTS } from "./request";

const IDS_PER_REQUEST = 100;
/** 10 requests/s documented; a little slack keeps bursts from other clients of the key in mind. */
const MIN_REQUEST_SPACING_MS = 120;
const MAX_RATE_LIMIT_RETRIES = 3;
export const APP_AUTH_MESSAGE = "Customer.io rejected the App API Key. Create one under Account Settings > API Credentials > App API Keys.";

type Customer = {
  id?: string | null;
  identifiers?: Record<string, string | null | undefined>;
  attributes?: Record<string, string>;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** A string attribute converted to the type of the value that was sent, so the two compare. */
function toComparable(sent: FieldValue, stored: string | undefined): unknown {
  if (stored === undefined) return null;
  const numeric = stored.trim() !== "" && Number.isFinite(Number(stored)) ? Number(stored) : undefined;
  if (sent instanceof Date) return numeric === undefined ? stored : new Date(numeric * 1000);
  if (typeof sent === "number") return numeric ?? stored;
  if (typeof sent === "boolean") return stored === "true" ? true : stored === "false" ? false : stored;
  return stored;
}

function matches(customer: Customer, identifier: Record<string, string>): boolean {
  const [type, value] = Object.entries(identifier)[0]!;
  const stored = customer.identifiers?.[type] ?? customer.attributes?.[type];
  if (stored === undefined || stored === null) return false;
  return type === "email" ? stored.toLowerCase() === value.toLowerCase() : stored === value;
}

export async function readBackPeople(p: { config: CustomerioConfig; appApiKey: string; records: OutRecord[]; signal?: AbortSignal }): Promise<ReadBackRecord[]> {
  const base = resolveAppBaseUrl(p.config.region);
  const customersByRecord = new Map<OutRecord, Customer>();
  const groups = new Map<string, OutRecord[]>();
  for (const record of p.records) groups.set(record.identifier.type, [...(groups.get(record.identifier.type) ?? []), record]);

  let lastRequestAt = 0;
  for (const [idType, records] of groups) {
    for (let start = 0; start < records.length; start += IDS_PER_REQUEST) {
      const chunk = records.slice(start, start + IDS_PER_REQUEST);
      const ids = [...new Set(chunk.map((r) => Object.values(buildIdentifiers(r.identifier))[0]!))];
      const url = `${base}/v1/customers/attributes?id_type=${encodeURIComponent(idType)}`;
      for (let attempt = 0; ; attempt += 1) {
        await sleep(Math.max(0, lastRequestAt + MIN_REQUEST_SPACING_MS - Date.now()), p.signal);
        lastRequestAt = Date.now();
        const response = await sendRequest({
          url,
          method: "POST",
          authorization: `Bearer ${p.appApiKey}`,
          body: JSON.stringify({ ids }),
          timeoutMs: TIMEOUTS.readMs,
          signal: p.signal,
        });
        if (response.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
          const retryAfter = Number(response.headers.get("retry-after"));
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000, p.signal);
          continue;
        }
        if (response.status !== 200) throwForStatus(response, { url, authMessage: APP_AUTH_MESSAGE });
        let customers: Customer[];
        try {
          const body = JSON.parse(response.text) as { customers?: { customer?: Customer }[] };
          customers = (body.customers ?? []).flatMap((c) => (c.customer ? [c.customer] : []));
        } catch (error) {
          throw new DestinationRequestError(`${new URL(url).host} answered read-back with a body that is not JSON`, { retryable: true, cause: error });
        }
        for (const record of chunk) {
          const identifier = buildIdentifiers(record.identifier);
          const customer = customers.find((c) => matches(c, identifier));
          if (customer) customersByRecord.set(record, customer);
        }
        break;
      }
    }
  }

  return p.records.map((record) => {
    const customer = customersByRecord.get(record);
    if (!customer) return { key: record.key, found: false };
    const fields: Record<string, unknown> = {};
    for (const [name, sent] of Object.entries(record.fields)) fields[name] = toComparable(sent, customer.attributes?.[name]);
    const cioId = customer.identifiers?.cio_id ?? customer.attributes?.cio_id;
    return { key: record.key, found: true, fields, ...(cioId ? { externalId: cioId } : {}) };
  });
}

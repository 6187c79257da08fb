/**
 * Read-back through the App API (reference §5): bulk `POST /v1/customers/attributes`, 100 identifiers
 * per call, under the documented 10 requests/s (the object's maxReadsPerSecond, held by the engine's
 * scheduler). Every attribute comes back as a string, so values are converted back to the type that
 * was sent.
 */
import { DestinationRequestError } from "../errors";
import type { FieldValue, OutRecord, ReadBackRecord, ReadScheduler } from "../types";
import { resolveAppBaseUrl, type CustomerioConfig } from "./config";
import { buildIdentifiers } from "./batch-item";
import { sendRequest, throwForStatus, TIMEOUTS } from "./request";

const IDS_PER_REQUEST = 100;
export const APP_AUTH_MESSAGE = "Customer.io rejected the App API Key. Create one under Account Settings > API Credentials > App API Keys.";

type Customer = {
  id?: string | null;
  identifiers?: Record<string, string | null | undefined>;
  attributes?: Record<string, string>;
};

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

/** One bulk attributes call for up to 100 records of the same identifier type; answers the customers found. */
async function fetchCustomers(url: string, appApiKey: string, chunk: OutRecord[], signal?: AbortSignal): Promise<Customer[]> {
  const ids = [...new Set(chunk.map((r) => Object.values(buildIdentifiers(r.identifier))[0]!))];
  const response = await sendRequest({ url, method: "POST", authorization: `Bearer ${appApiKey}`, body: JSON.stringify({ ids }), timeoutMs: TIMEOUTS.readMs, signal });
  if (response.status !== 200) throwForStatus(response, { url, authMessage: APP_AUTH_MESSAGE });
  try {
    const body = JSON.parse(response.text) as { customers?: { customer?: Customer }[] };
    return (body.customers ?? []).flatMap((c) => (c.customer ? [c.customer] : []));
  } catch (error) {
    throw new DestinationRequestError(`${new URL(url).host} answered read-back with a body that is not JSON`, { retryable: true, cause: error });
  }
}

/**
 * Reads people back. Each call goes through `schedule` (the engine's: the account's 10 requests/s
 * and retries of 429/5xx/resets honouring Retry-After).
 */
export async function readBackPeople(p: {
  config: CustomerioConfig;
  appApiKey: string;
  records: OutRecord[];
  signal?: AbortSignal;
  schedule?: ReadScheduler;
}): Promise<ReadBackRecord[]> {
  const base = resolveAppBaseUrl(p.config.region);
  const schedule: ReadScheduler = p.schedule ?? ((request) => request());
  const customersByRecord = new Map<OutRecord, Customer>();
  const groups = new Map<string, OutRecord[]>();
  for (const record of p.records) groups.set(record.identifier.type, [...(groups.get(record.identifier.type) ?? []), record]);

  const calls: Promise<void>[] = [];
  for (const [idType, records] of groups) {
    const url = `${base}/v1/customers/attributes?id_type=${encodeURIComponent(idType)}`;
    for (let start = 0; start < records.length; start += IDS_PER_REQUEST) {
      const chunk = records.slice(start, start + IDS_PER_REQUEST);
      calls.push(
        schedule(() => fetchCustomers(url, p.appApiKey, chunk, p.signal)).then((customers) => {
          for (const record of chunk) {
            const identifier = buildIdentifiers(record.identifier);
            const customer = customers.find((c) => matches(c, identifier));
            if (customer) customersByRecord.set(record, customer);
          }
        }),
      );
    }
  }
  await Promise.all(calls);

  return p.records.map((record) => {
    const customer = customersByRecord.get(record);
    if (!customer) return { key: record.key, found: false };
    const fields: Record<string, unknown> = {};
    for (const [name, sent] of Object.entries(record.fields)) fields[name] = toComparable(sent, customer.attributes?.[name]);
    const cioId = customer.identifiers?.cio_id ?? customer.attributes?.cio_id;
    return { key: record.key, found: true, fields, ...(cioId ? { externalId: cioId } : {}) };
  });
}

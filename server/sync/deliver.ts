/**
 * Sends records to a destination: batches within the object's limits, bounded concurrency, retries with
 * exponential backoff and full jitter (never sooner than Retry-After), and a batch refused as a whole
 * split in halves until the bad records are isolated.
 */
import { DestinationRequestError } from "~/server/connectors/errors";
import type { Behavior, DestinationConnector, DestinationObject, OutRecord, RecordResult } from "~/server/connectors/types";

export type DeliveryOptions = {
  /** Requests in flight per run, on top of the object's maxConcurrency. */
  maxInFlight?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Total backoff one batch may wait before the run gives up on the destination. */
  maxTotalWaitMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: DestinationRequestError }) => void;
};

export const DELIVERY_DEFAULTS = {
  maxInFlight: 4,
  maxAttempts: 6,
  maxTotalWaitMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
} as const;

export type OversizedRecord = { record: OutRecord; bytes: number; limit: number };

/** The delivery stopped: the destination refused the request as a whole, or retries ran out. */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    /** Answers for the batches that completed before the failure, so their state can still be kept. */
    readonly completed: RecordResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- config type is the connector's own
type AnyDestination = DestinationConnector<any>;

/** Groups records into batches under maxBatchRecords and maxBatchBytes; records over maxRecordBytes are set aside. */
export function planBatches(p: { destination: AnyDestination; object: DestinationObject; records: OutRecord[] }): {
  batches: OutRecord[][];
  oversized: OversizedRecord[];
} {
  const { maxBatchRecords, maxBatchBytes, maxRecordBytes } = p.object.limits;
  const batches: OutRecord[][] = [];
  const oversized: OversizedRecord[] = [];
  let current: OutRecord[] = [];
  let currentBytes = 0;
  for (const record of p.records) {
    const needsSize = maxBatchBytes !== undefined || maxRecordBytes !== undefined;
    const bytes = needsSize ? p.destination.measureRecord({ object: p.object, record }) : 0;
    const recordLimit = Math.min(maxRecordBytes ?? Infinity, maxBatchBytes ?? Infinity);
    if (bytes > recordLimit) {
      oversized.push({ record, bytes, limit: recordLimit });
      continue;
    }
    const full = current.length >= maxBatchRecords || (maxBatchBytes !== undefined && currentBytes + bytes > maxBatchBytes);
    if (full && current.length > 0) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}

export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function describeRequestError(label: string, error: DestinationRequestError): string {
  const status = error.options.status ? ` (HTTP ${error.options.status})` : "";
  return `${label} refused the request${status}: ${error.message}`;
}

/**
 * Runs `request` and retries it while it fails with a retryable DestinationRequestError (429, 5xx,
 * connection resets, timeouts), with exponential backoff and full jitter, never sooner than
 * Retry-After. Gives up with a DeliveryError after `maxAttempts` or `maxTotalWaitMs`. Delivery and
 * read-back verification share it.
 */
export async function retryTransient<T>(
  request: () => Promise<T>,
  p: { label: string; options?: DeliveryOptions; signal?: AbortSignal; onRetry?: DeliveryOptions["onRetry"] },
): Promise<T> {
  const options = { ...DELIVERY_DEFAULTS, ...p.options };
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof DestinationRequestError) || !error.options.retryable || error.options.batchRejected) throw error;
      const backoff = random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.ceil(Math.max(backoff, error.options.retryAfterMs ?? 0));
      if (attempt >= options.maxAttempts || waited + delayMs > options.maxTotalWaitMs) {
        throw new DeliveryError(`${describeRequestError(p.label, error)} (gave up after ${attempt} attempts)`, [], { cause: error });
      }
      (p.onRetry ?? options.onRetry)?.({ attempt, delayMs, error });
      waited += delayMs;
      await sleep(delayMs, p.signal);
    }
  }
}

export type BatchSender = {
  /** Sends one batch (within the object's limits) and answers one result per record, splitting a batch refused as a whole. */
  send(records: OutRecord[]): Promise<RecordResult[]>;
  readonly requests: number;
  readonly retries: number;
};

/** One run's sender: retries with backoff (never sooner than Retry-After) and splits batches refused as a whole. */
export function createBatchSender(p: {
  destination: AnyDestination;
  config: unknown;
  object: DestinationObject;
  behavior: Behavior;
  signal?: AbortSignal;
  options?: DeliveryOptions;
  /** Runs right before every request, retries included: where the engine paces to the account's request rate. */
  beforeRequest?: () => Promise<void>;
}): BatchSender {
  const { destination, object } = p;
  const options = { ...DELIVERY_DEFAULTS, ...p.options };
  let requests = 0;
  let retries = 0;

  const writeOnce = async (records: OutRecord[]): Promise<RecordResult[]> => {
    p.signal?.throwIfAborted();
    requests += 1;
    const answers = await destination.write({ config: p.config, object, behavior: p.behavior, records, signal: p.signal });
    if (answers.length !== records.length) {
      throw new DeliveryError(`${destination.label} answered ${answers.length} results for a batch of ${records.length} records`, []);
    }
    // Answers come in order; the record's own key is authoritative.
    return answers.map((answer, i) => ({ ...answer, key: records[i]!.key }));
  };

  const writeWithRetry = (records: OutRecord[]): Promise<RecordResult[]> =>
    retryTransient(async () => {
      await p.beforeRequest?.();
      return writeOnce(records);
    }, {
      label: destination.label,
      options,
      signal: p.signal,
      onRetry: (info) => {
        retries += 1;
        options.onRetry?.(info);
      },
    });

  const sendBatch = async (records: OutRecord[]): Promise<RecordResult[]> => {
    try {
      return await writeWithRetry(records);
    } catch (error) {
      if (!(error instanceof DestinationRequestError)) throw error;
      if (!error.options.batchRejected) throw new DeliveryError(describeRequestError(destination.label, error), [], { cause: error });
      if (records.length === 1) {
        const only = records[0]!;
        return [{ key: only.key, status: "rejected", message: error.message, code: error.options.code ?? (error.options.status ? String(error.options.status) : undefined) }];
      }
      const middle = Math.ceil(records.length / 2);
      const left = await sendBatch(records.slice(0, middle));
      const right = await sendBatch(records.slice(middle));
      return [...left, ...right];
    }
  };

  return {
    send: sendBatch,
    get requests() {
      return requests;
    },
    get retries() {
      return retries;
    },
  };
}

/** How many requests one run keeps in flight: its own cap, within the object's per-account limit. */
export function runInFlightLimit(object: DestinationObject, options?: DeliveryOptions): number {
  return Math.max(1, Math.min(options?.maxInFlight ?? DELIVERY_DEFAULTS.maxInFlight, object.limits.maxConcurrency));
}

/**
 * Delivers records and answers one RecordResult per sent record (oversized ones are returned apart and
 * never sent). Throws DeliveryError (carrying the answers of the batches that completed) when the
 * destination fails as a whole, a write throws, or the signal aborts.
 */
export async function deliverRecords(p: {
  destination: AnyDestination;
  config: unknown;
  object: DestinationObject;
  behavior: Behavior;
  records: OutRecord[];
  signal?: AbortSignal;
  options?: DeliveryOptions;
}): Promise<{ results: RecordResult[]; oversized: OversizedRecord[]; requests: number; retries: number }> {
  const { destination, object } = p;
  const sender = createBatchSender(p);
  const sendBatch = sender.send;
  const { batches, oversized } = planBatches({ destination, object, records: p.records });
  const results: RecordResult[] = [];
  const workers = Math.min(runInFlightLimit(object, p.options), Math.max(1, batches.length));
  let next = 0;
  let failure: unknown;
  const work = async () => {
    while (failure === undefined && next < batches.length) {
      const batch = batches[next++]!;
      try {
        results.push(...(await sendBatch(batch)));
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, work));
  if (failure !== undefined) {
    if (failure instanceof DeliveryError) throw new DeliveryError(failure.message, results, { cause: failure.cause });
    throw new DeliveryError(failure instanceof Error ? failure.message : String(failure), results, { cause: failure });
  }
  return { results, oversized, requests: sender.requests, retries: sender.retries };
}

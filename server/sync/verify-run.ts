/**
 * Post-run verification: links to the destination's own UI and a read-back of up to 20 records the run
 * delivered, compared field by field with what was sent ("N of M verified", each difference listed).
 *
 * The state table keeps only payload hashes, so the sample is rebuilt from the source: rows whose
 * record, built with the sync's settings, hashes to the state the run saved are exactly what the
 * destination accepted. Verification never changes the run's status: problems are recorded and logged.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { DestinationConnector, FieldValue, OutRecord, ReadBackRecord, ReadScheduler } from "~/server/connectors/types";
import { redactKnownSecrets } from "~/server/connectors/redact-secrets";
import { getDb } from "~/server/db/client";
import type { Prisma } from "~/server/db/generated/client";
import { logger } from "~/server/lib/logger";
import { acquireAccountRate, acquireAccountSlot } from "./account-slots";
import { createRecordBuilder, formatKey } from "./build-record";
import { retryTransient } from "./deliver";
import { loadRunContext, type EngineDeps, type RunContext } from "./engine";
import { hashPayload, matchesStoredHash } from "./hash";
import { appendRunLog, SUCCEEDED_STATUSES } from "./run-status";

export const ZVerification = z.object({
  checked: z.number().int().meta({ description: "Delivered records read back." }),
  verified: z.number().int().meta({ description: "Read-back records whose every field matched what was sent." }),
  differences: z.array(
    z.object({
      key: z.string(),
      field: z.string().meta({ description: "The destination field; the identifier (e.g. `identity`) when the record was not found." }),
      expected: z.unknown().meta({ description: "What the run sent (dates as ISO instants)." }),
      actual: z.unknown().meta({ description: "What the destination holds; null when absent." }),
    }),
  ),
  links: z.array(z.object({ label: z.string(), url: z.string() })),
  message: z.string().meta({ description: "`20 of 20 verified`, or why no read-back was possible." }),
  verifiedAt: z.iso.datetime(),
});

export type Verification = z.infer<typeof ZVerification>;
type Difference = Verification["differences"][number];
type Link = Verification["links"][number];

export type VerifyOptions = {
  /** Records read back (default 20). */
  sampleSize?: number;
  /** Source rows scanned at most while looking for delivered records (default 10000). */
  maxRowsScanned?: number;
  /**
   * Reads lag writes in some destinations (Customer.io: about 10 s), so records that differ are read
   * once more after this delay (default 5000 ms; 0 re-reads at once).
   */
  recheckDelayMs?: number;
};

/** `delivery`'s retry settings (attempts, backoff) apply to read-back requests too. */
export type VerifyDeps = Pick<EngineDeps, "resolveConnectionConfig" | "connectors" | "pageSize" | "signal" | "delivery"> & { verify?: VerifyOptions };

const DEFAULT_SAMPLE_SIZE = 20;
const DEFAULT_MAX_ROWS_SCANNED = 10_000;
const DEFAULT_RECHECK_DELAY_MS = 5_000;
const DEFAULT_PAGE_SIZE = 1000;
/** Slack for measuring the clock offset below (a round trip to the database). */
const CLOCK_SLACK_MS = 100;


/** Up to `size` records the run delivered, rebuilt from the source in key order. */
async function sampleDeliveredRecords(context: RunContext, deps: VerifyDeps): Promise<OutRecord[]> {
  const { run, settings, source, sourceConfig, object, destination } = context;
  const size = deps.verify?.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const maxRows = deps.verify?.maxRowsScanned ?? DEFAULT_MAX_ROWS_SCANNED;
  const pageSize = deps.pageSize ?? DEFAULT_PAGE_SIZE;
  const keyColumn = settings.syncKey.column;
  const db = await getDb();
  // State rows are stamped by the database's clock and the run's start by the app's: compare in one clock.
  const before = Date.now();
  const [{ now }] = (await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`) as [{ now: Date }];
  const offset = now.getTime() - before;
  // The slack must not reach back into the run before: its last states can be a few milliseconds older
  // than this run's start, and they are that run's deliveries, not this one's.
  const previous = await db.syncRun.findFirst({
    where: { syncId: run.syncId, id: { not: run.id }, finishedAt: { not: null, lte: run.startedAt ?? run.queuedAt } },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  const since = new Date(Math.max((run.startedAt ?? run.queuedAt).getTime() - CLOCK_SLACK_MS, previous?.finishedAt?.getTime() ?? 0) + offset);
  const columns = settings.syncAllColumns ? await source.describeModel({ config: sourceConfig, model: settings.model, signal: deps.signal }) : [];
  const builder = createRecordBuilder({ settings, object, columns, destination });

  const picked: OutRecord[] = [];
  let after: unknown;
  let lastKey: string | null = null;
  let scanned = 0;
  while (picked.length < size && scanned < maxRows) {
    const rows = await source.readPage({ config: sourceConfig, model: settings.model, keyColumn, after, limit: pageSize, signal: deps.signal });
    // `after` is inclusive: the rows equal to the previous page's last key were seen already.
    const fresh = rows.filter((row) => formatKey(row[keyColumn]) !== lastKey);
    if (fresh.length === 0) break;
    scanned += fresh.length;
    const records = fresh.flatMap((row) => {
      const built = builder.build(row);
      return built.record ? [built.record] : [];
    });
    const states = await db.syncRecordState.findMany({
      where: { syncId: run.syncId, recordKey: { in: records.map((r) => r.key) }, updatedAt: { gte: since }, rejectedAt: null },
      select: { recordKey: true, payloadHash: true },
    });
    const hashes = new Map(states.map((s) => [s.recordKey, s.payloadHash]));
    for (const record of records) {
      if (picked.length >= size) break;
      const stored = hashes.get(record.key);
      if (stored && matchesStoredHash(record, hashPayload(record), stored)) picked.push(record);
    }
    const last = fresh.at(-1)!;
    after = last[keyColumn];
    lastKey = formatKey(after);
    if (rows.length < pageSize) break;
  }
  return picked;
}

function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return Math.abs(value) < 1e11 ? value * 1000 : value;
  if (typeof value === "string") {
    const clevertap = /^\$D_(-?\d+)$/.exec(value);
    if (clevertap) return Number(clevertap[1]) * 1000;
    if (/^-?\d+(\.\d+)?$/.test(value.trim())) return toEpochMs(Number(value));
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Dates compare to the second (destinations keep epoch seconds), numbers numerically, strings exactly. */
export function valuesMatch(expected: FieldValue | undefined, actual: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined || actual === "";
  if (expected instanceof Date) {
    const ms = toEpochMs(actual);
    return ms !== undefined && Math.floor(ms / 1000) === Math.floor(expected.getTime() / 1000);
  }
  if (typeof expected === "number") {
    const n = typeof actual === "number" ? actual : typeof actual === "string" && actual.trim() !== "" ? Number(actual) : Number.NaN;
    return Math.abs(n - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === "boolean") return actual === expected || String(actual).toLowerCase() === String(expected);
  if (typeof expected === "object") return isDeepStrictEqual(expected, typeof actual === "string" ? parseJsonText(actual) : actual);
  if (typeof actual === "string") return actual === expected;
  return (typeof actual === "number" || typeof actual === "boolean") && String(actual) === expected;
}

/** Destinations may answer a nested value as JSON text. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return value;
}

function compareRecord(record: OutRecord, read: ReadBackRecord | undefined): Difference[] {
  if (!read?.found) {
    return [{ key: record.key, field: record.identifier.type, expected: record.identifier.value, actual: null }];
  }
  return Object.entries(record.fields).flatMap(([field, expected]) => {
    const actual = read.fields?.[field];
    return valuesMatch(expected, actual) ? [] : [{ key: record.key, field, expected: toJsonValue(expected), actual: toJsonValue(actual) }];
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** The optional secret field that is not set (Customer.io's App API Key): what read-back is missing. */
function describeMissingReadCredential(destination: DestinationConnector<unknown>, config: unknown): string | undefined {
  const shape = (destination.configSchema as unknown as z.ZodObject<Record<string, z.ZodType>>).shape ?? {};
  const values = (config ?? {}) as Record<string, unknown>;
  for (const [name, field] of Object.entries(shape)) {
    const meta = z.globalRegistry.get(field) as { label?: string; secret?: boolean } | undefined;
    if (meta?.secret && field.safeParse(undefined).success && !values[name]) return meta.label ?? name;
  }
  return undefined;
}

async function collectLinks(context: RunContext, records: ReadBackRecord[], signal?: AbortSignal): Promise<Link[]> {
  const { destination, destinationConfig, object } = context;
  if (!destination.dashboardLinks) return [];
  try {
    return await destination.dashboardLinks({ config: destinationConfig, object, records, signal });
  } catch (error) {
    logger.warn("Could not build the destination's links for a run", { runId: context.run.id, error });
    return [];
  }
}

/**
 * The read scheduler handed to the connector: every read request holds one of the account's read slots
 * (shared with every run of this process, like delivery's) and a start under its read rate, and is
 * retried on 429, 5xx and resets with the delivery backoff, never sooner than Retry-After.
 */
function createReadScheduler(context: RunContext, deps: VerifyDeps): ReadScheduler {
  const { destination, object, run } = context;
  const account = `${destination.id}:${run.sync.destinationId}:read`;
  const { maxReadConcurrency = 1, maxReadsPerSecond } = object.limits;
  return (request) =>
    retryTransient(
      async () => {
        const release = await acquireAccountSlot(account, maxReadConcurrency, deps.signal);
        try {
          if (maxReadsPerSecond) await acquireAccountRate(account, maxReadsPerSecond, deps.signal);
          return await request();
        } finally {
          release();
        }
      },
      { label: destination.label, options: deps.delivery, signal: deps.signal },
    );
}

async function readBackSample(context: RunContext, records: OutRecord[], deps: VerifyDeps): Promise<ReadBackRecord[] | null> {
  const { destination, destinationConfig, object } = context;
  const schedule = createReadScheduler(context, deps);
  const first = await destination.readBack!({ config: destinationConfig, object, records, signal: deps.signal, schedule });
  if (!first) return null;
  const byKey = new Map(first.map((r) => [r.key, r]));
  const differing = records.filter((r) => compareRecord(r, byKey.get(r.key)).length > 0);
  if (differing.length === 0) return first;
  await sleep(deps.verify?.recheckDelayMs ?? DEFAULT_RECHECK_DELAY_MS, deps.signal);
  const second = await destination.readBack!({ config: destinationConfig, object, records: differing, signal: deps.signal, schedule });
  for (const read of second ?? []) byKey.set(read.key, read);
  return records.map((r) => byKey.get(r.key) ?? { key: r.key, found: false });
}

async function computeVerification(context: RunContext, deps: VerifyDeps): Promise<Omit<Verification, "verifiedAt">> {
  const { run, destination, destinationConfig, object } = context;
  const empty = { checked: 0, verified: 0, differences: [] };
  if (run.rowsCreated + run.rowsUpdated === 0) {
    return { ...empty, links: await collectLinks(context, [], deps.signal), message: "Nothing was delivered by this run, so there was nothing to read back" };
  }
  if (!destination.readBack) {
    return { ...empty, links: await collectLinks(context, [], deps.signal), message: `${destination.label} has no read API to verify delivered data` };
  }
  const records = await sampleDeliveredRecords(context, deps);
  if (records.length === 0) {
    return { ...empty, links: await collectLinks(context, [], deps.signal), message: "No delivered record was found in the model anymore, so there was nothing to read back" };
  }
  const read = await readBackSample(context, records, deps);
  if (!read) {
    const missing = describeMissingReadCredential(destination, destinationConfig);
    const message =
      object.type === "event"
        ? `${destination.label} has no API to read single events back, so delivered events cannot be verified here: open ${destination.label} to check them`
        : missing
          ? `${destination.label} has no ${missing} on this connection: add one to verify delivered data`
          : `${destination.label} cannot read records back with this connection's credentials`;
    return { ...empty, links: await collectLinks(context, [], deps.signal), message };
  }
  const byKey = new Map(read.map((r) => [r.key, r]));
  const differences: Difference[] = [];
  let verified = 0;
  for (const record of records) {
    const found = compareRecord(record, byKey.get(record.key));
    if (found.length === 0) verified += 1;
    differences.push(...found);
  }
  return { checked: records.length, verified, differences, links: await collectLinks(context, read, deps.signal), message: `${verified} of ${records.length} verified` };
}

/**
 * Verifies a finished run and stores the result on `SyncRun.verification` (also one step-log line).
 * Answers the result, or null for runs that did not succeed. Never throws: a failure to verify is
 * recorded as the verification's message.
 */
export async function verifyRun(p: { runId: string; deps: VerifyDeps }): Promise<Verification | null> {
  try {
    const db = await getDb();
    const run = await db.syncRun.findUnique({ where: { id: p.runId }, include: { sync: true } });
    if (!run || !SUCCEEDED_STATUSES.includes(run.status)) return null;
    let result: Omit<Verification, "verifiedAt">;
    try {
      result = await computeVerification(await loadRunContext(run, p.deps), p.deps);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn("Run verification failed", { runId: run.id, error });
      result = { checked: 0, verified: 0, differences: [], links: [], message: `Verification could not finish: ${reason}` };
    }
    const verification: Verification = { ...result, message: redactKnownSecrets(result.message), verifiedAt: new Date().toISOString() };
    await db.syncRun.update({ where: { id: run.id }, data: { verification: verification as Prisma.InputJsonObject } });
    const level = result.differences.length > 0 ? "warn" : "info";
    const detail = result.differences.length > 0 ? ` (${result.differences.length} differing fields)` : "";
    await appendRunLog(run.id, level, "verify", `Verification: ${result.message}${detail}`);
    return verification;
  } catch (error) {
    logger.error("Could not record a run's verification", { runId: p.runId, error });
    return null;
  }
}

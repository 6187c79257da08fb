/**
 * BigQuery calls through the official @google-cloud/bigquery client: query jobs bounded by
 * `jobTimeoutMs` and, when configured, `maximumBytesBilled`; results turned into plain values; and
 * Google's errors turned into messages (the connector boundary scrubs credentials from them).
 */
import type { BigQuery, Job, Query } from "@google-cloud/bigquery";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { isTransientHttpStatus, isTransientNetworkCode } from "../transient-errors";
import type { ServiceAccount } from "../google-sheets/service-account";
import type { BoundQuery } from "./sql";

export type BigQueryTarget = {
  projectId: string;
  location?: string;
  dataset?: string;
  maximumBytesBilled?: number;
  account: ServiceAccount;
};

export type QueryResult = { rows: Record<string, unknown>[]; fields: SchemaField[] };
export type SchemaField = { name?: string | null; type?: string | null; mode?: string | null };

const JOB_TIMEOUT_MS = 300_000;

type BigQueryModule = typeof import("@google-cloud/bigquery");
let clientModule: Promise<BigQueryModule> | undefined;

/** Loaded on first use: most installations never connect to BigQuery. */
function loadClientModule(): Promise<BigQueryModule> {
  clientModule ??= import("@google-cloud/bigquery");
  return clientModule;
}

export async function createBigQueryClient(target: BigQueryTarget): Promise<{ client: BigQuery; sdk: BigQueryModule }> {
  const sdk = await loadClientModule();
  const client = new sdk.BigQuery({
    projectId: target.projectId,
    credentials: { client_email: target.account.clientEmail, private_key: target.account.privateKey },
    ...(target.location ? { location: target.location } : {}),
  });
  return { client, sdk };
}

/** Keeps integers exact: those beyond 2^53 stay strings instead of losing digits. */
function castInteger(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/** BigQuery's value classes (timestamps, dates, big decimals, bytes) → plain values the engine understands. */
export function toPlainValue(value: unknown, sdk: Pick<BigQueryModule, "BigQueryTimestamp" | "BigQueryDate" | "BigQueryDatetime" | "BigQueryTime" | "Geography">): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof sdk.BigQueryTimestamp) return new Date(value.value);
  if (
    value instanceof sdk.BigQueryDate ||
    value instanceof sdk.BigQueryDatetime ||
    value instanceof sdk.BigQueryTime ||
    value instanceof sdk.Geography
  ) {
    return value.value;
  }
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map((v) => toPlainValue(v, sdk));
  if (typeof value === "object" && (value as object).constructor?.name === "Big") {
    const text = String(value);
    const n = Number(text);
    return Number.isFinite(n) && String(n) === text ? n : text;
  }
  if (typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toPlainValue(v, sdk)]));
  }
  return value;
}

/** A user-facing message for a failed call; an echoed key is scrubbed at the connector boundary (redact-secrets.ts). */
export function describeBigQueryError(error: unknown, target: BigQueryTarget): string {
  const e = (error ?? {}) as { message?: string; code?: number | string; response?: { data?: { error?: unknown; error_description?: string } } };
  const data = e.response?.data;
  let message: string;
  if (typeof data?.error === "string") {
    message = `Google refused the service account key of ${target.account.clientEmail} (${data.error}${data.error_description ? `: ${data.error_description}` : ""}). Create a new JSON key in Google Cloud and paste it here.`;
  } else if (e.code === 403) {
    message = `BigQuery denied access to ${target.account.clientEmail} in project ${target.projectId}: grant it the BigQuery Job User role on the project and BigQuery Data Viewer on the datasets. ${e.message ?? ""}`.trim();
  } else {
    message = `BigQuery: ${e.message ?? String(error)}`;
  }
  return message;
}

export function toSourceQueryError(error: unknown, target: BigQueryTarget): SourceQueryError | ReadOnlyViolationError {
  if (error instanceof SourceQueryError || error instanceof ReadOnlyViolationError) return error;
  const code = (error as { code?: unknown }).code;
  const transient = typeof code === "number" ? isTransientHttpStatus(code) : isTransientNetworkCode(typeof code === "string" ? code : undefined);
  return new SourceQueryError(describeBigQueryError(error, target), code === undefined ? { transient } : { code: String(code), transient });
}

/**
 * BigQuery has no read-only transaction, so every query is dry-run first (free, nothing is read):
 * BigQuery names the statement's type, and only a single SELECT runs; a script, DML or DDL is refused.
 */
async function requireSelect(client: BigQuery, options: Query): Promise<void> {
  const [dryRun] = await client.createQueryJob({ ...options, dryRun: true });
  const statementType = (dryRun.metadata as { statistics?: { query?: { statementType?: string } } } | undefined)?.statistics?.query?.statementType;
  if (statementType !== "SELECT") {
    throw new ReadOnlyViolationError(`Models are read-only: BigQuery reads this query as ${statementType ?? "an unknown kind of statement"}, and only a single SELECT may run.`);
  }
}

/** Runs one query job and reads its rows and schema; an abort cancels the job. */
export async function runQuery(target: BigQueryTarget, bound: BoundQuery, signal?: AbortSignal): Promise<QueryResult> {
  const { client, sdk } = await createBigQueryClient(target);
  const options: Query = {
    query: bound.query,
    params: bound.params,
    useLegacySql: false,
    jobTimeoutMs: JOB_TIMEOUT_MS,
    ...(target.location ? { location: target.location } : {}),
    ...(target.dataset ? { defaultDataset: { projectId: target.projectId, datasetId: target.dataset } } : {}),
    ...(target.maximumBytesBilled ? { maximumBytesBilled: String(target.maximumBytesBilled) } : {}),
  };
  let job: Job | undefined;
  const onAbort = () => void job?.cancel().catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (signal?.aborted) throw new SourceQueryError("The BigQuery query was cancelled.");
    await requireSelect(client, options);
    [job] = await client.createQueryJob(options);
    const [rows, , response] = await job.getQueryResults({
      timeoutMs: JOB_TIMEOUT_MS,
      wrapIntegers: { integerTypeCastFunction: castInteger },
      parseJSON: true,
    });
    const fields = ((response as { schema?: { fields?: SchemaField[] } } | undefined)?.schema?.fields ?? []) as SchemaField[];
    return { rows: rows.map((row) => toPlainValue(row, sdk) as Record<string, unknown>), fields };
  } catch (error) {
    throw toSourceQueryError(error, target);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

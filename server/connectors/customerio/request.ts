/** HTTP calls to Customer.io: timeouts, auth headers and the mapping of failures to DestinationRequestError. */
import { DestinationRequestError } from "../errors";
import { buildRequestHeaders } from "../request-headers";
import { isTransientHttpStatus } from "../transient-errors";
import type { CustomerioConfig } from "./config";

export type ApiResponse = { status: number; headers: Headers; text: string };

export const TIMEOUTS = { checkMs: 10_000, writeMs: 30_000, readMs: 15_000 } as const;

export function trackAuthHeader(config: CustomerioConfig): string {
  return `Basic ${Buffer.from(`${config.siteId}:${config.apiKey}`).toString("base64")}`;
}

export function hostOf(url: string): string {
  return new URL(url).host;
}

function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * One request with a timeout. Network failures and timeouts become retryable errors naming the host;
 * redirects are not followed, so credentials never travel to another host (a redirect means the
 * account lives in the other region; see throwForStatus).
 */
export async function sendRequest(p: {
  url: string;
  method: "GET" | "POST";
  authorization: string;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<ApiResponse> {
  const host = hostOf(p.url);
  const timeout = AbortSignal.timeout(p.timeoutMs);
  const signal = p.signal ? AbortSignal.any([p.signal, timeout]) : timeout;
  const headers = buildRequestHeaders(
    { Authorization: p.authorization, Accept: "application/json", ...(p.body !== undefined ? { "Content-Type": "application/json" } : {}) },
    "Customer.io",
  );
  try {
    const response = await fetch(p.url, {
      method: p.method,
      headers,
      body: p.body,
      redirect: "manual",
      signal,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (p.signal?.aborted) throw p.signal.reason ?? error;
    if (timeout.aborted) {
      throw new DestinationRequestError(`${host} did not answer within ${p.timeoutMs / 1000} s`, { retryable: true, code: "timeout", cause: error });
    }
    throw new DestinationRequestError(`Could not reach ${host} (${describeNetworkError(error)})`, { retryable: true, code: "network", cause: error });
  }
}

/** Retry-After in seconds or as an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Customer.io's error text from any of its envelopes: v2 `errors[]`, v1 `meta`, App API `errors[].detail`. */
export function describeApiError(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 300);
  }
  const parts: string[] = [];
  const record = (body ?? {}) as { errors?: unknown; meta?: { error?: unknown; errors?: unknown } };
  if (Array.isArray(record.errors)) {
    for (const e of record.errors as { field?: string; message?: string; detail?: string }[]) {
      const message = e.message ?? e.detail;
      if (message) parts.push(e.field ? `${e.field}: ${message}` : message);
    }
  }
  if (typeof record.meta?.error === "string") parts.push(record.meta.error);
  if (Array.isArray(record.meta?.errors)) parts.push(...record.meta.errors.map(String));
  return parts.join("; ").slice(0, 300);
}

/**
 * Throws the DestinationRequestError for a failed response. `batch` marks the v2 batch call, where a
 * 400/413 refuses the body as a whole and the engine should split the batch to isolate bad records.
 */
export function throwForStatus(response: ApiResponse, p: { url: string; authMessage: string; batch?: boolean }): never {
  const { status } = response;
  const host = hostOf(p.url);
  const detail = describeApiError(response.text);
  const suffix = detail ? `: ${detail}` : "";
  if (status === 401 || status === 403) throw new DestinationRequestError(p.authMessage, { status, retryable: false, code: "unauthorized" });
  if (status === 429) {
    throw new DestinationRequestError(`${host} is rate limiting requests (429)${suffix}`, {
      status,
      retryable: true,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      code: "rate_limited",
    });
  }
  if (isTransientHttpStatus(status)) {
    throw new DestinationRequestError(`${host} failed with HTTP ${status}${suffix}`, { status, retryable: true, code: "server_error" });
  }
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    const target = location ? hostOf(new URL(location, p.url).toString()) : "another host";
    throw new DestinationRequestError(
      `${host} redirected the request to ${target}: the account is probably in the other region. Change the connection's Region.`,
      { status, retryable: false, code: "wrong_region" },
    );
  }
  if (p.batch && (status === 400 || status === 413)) {
    throw new DestinationRequestError(`Customer.io refused the batch (HTTP ${status})${suffix}`, { status, retryable: false, batchRejected: true, code: "batch_rejected" });
  }
  throw new DestinationRequestError(`${host} answered HTTP ${status}${suffix}`, { status, retryable: false, code: `http_${status}` });
}

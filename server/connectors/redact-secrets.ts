/**
 * The one redaction step for secrets. Drivers and fetch echo what they were given ("Invalid header value
 * …", "password authentication failed for …", a connection URL in a stack), so every connector the
 * registry hands out is wrapped by `withSecretRedaction`: whatever leaves one of its methods — a thrown
 * error, a rejected promise, an async iterator's error, a check message, a per-record rejection — has the
 * secrets of the config it was called with, and every encoding of them, replaced by `[redacted]`.
 *
 * Defence in depth: decrypted secrets are also remembered process-wide (`rememberSecrets`, called by the
 * function that decrypts connection configs) and `redactKnownSecrets` is applied by the logger, the tRPC
 * and REST error formatters and the run-status writer to every string they emit.
 */
import { inspect } from "node:util";

export const REDACTED = "[redacted]";

/** Shorter values would redact ordinary words (and a 3-character secret is no secret). */
const MIN_FORM_LENGTH = 4;
/** Bounds the process-wide set: the oldest forms are forgotten first. */
const MAX_KNOWN_FORMS = 50_000;
/** How deep an error's properties (cause, errors, options, response …) are walked. */
const MAX_ERROR_DEPTH = 6;

function base64(text: string, url = false): string {
  return Buffer.from(text, "utf8").toString(url ? "base64url" : "base64");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Strings nested in a secret that are secrets by themselves: a URL's password, a service-account JSON's key. */
function nestedSecrets(value: string): string[] {
  const out: string[] = [];
  const trimmed = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      const url = new URL(trimmed);
      if (url.password) out.push(url.password, safeDecode(url.password));
    } catch {
      // Not a URL after all: the whole value is redacted anyway.
    }
  }
  if (trimmed.startsWith("{")) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      for (const key of ["private_key", "private_key_id", "client_secret", "refresh_token", "password"]) {
        const v = parsed[key];
        if (typeof v === "string") out.push(v);
      }
    } catch {
      // Not JSON: the whole value is redacted anyway.
    }
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The ways one secret can appear in a message, log line, URL, header or JSON document. */
function encodingsOf(secret: string, context: readonly string[]): string[] {
  const forms = new Set<string>();
  const add = (v: string) => {
    forms.add(v);
    const json = JSON.stringify(v).slice(1, -1);
    forms.add(json);
    forms.add(JSON.stringify(json).slice(1, -1));
    forms.add(inspect(v).slice(1, -1));
    forms.add(escapeHtml(v));
    const uri = encodeURIComponent(v);
    forms.add(uri);
    forms.add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    forms.add(uri.replace(/%20/g, "+"));
    forms.add(encodeURI(v));
    forms.add(base64(v));
    forms.add(base64(v).replace(/=+$/, ""));
    forms.add(base64(v, true));
  };
  add(secret);
  add(secret.trim());
  for (const line of secret.split(/\r\n|\r|\n/)) add(line.trim());
  // Basic auth and similar pairings: base64("<user>:<secret>") shares no substring with base64(secret).
  for (const c of context) {
    for (const s of new Set([secret, secret.trim()])) {
      forms.add(base64(`${c}:${s}`));
      forms.add(base64(`${c}:${s}`, true));
    }
  }
  return [...forms].filter((f) => f.length >= MIN_FORM_LENGTH);
}

/**
 * Every form in which the given secret values may be echoed. `context` holds the config's other string
 * values (user names, site ids) for encodings that pair them with the secret.
 */
export function deriveSecretForms(secrets: readonly unknown[], context: readonly unknown[] = []): string[] {
  const contextStrings = context.filter((c): c is string => typeof c === "string" && c.length > 0).map((c) => c.trim());
  const forms = new Set<string>();
  const queue = secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const secret = queue.pop()!;
    if (seen.has(secret)) continue;
    seen.add(secret);
    for (const f of encodingsOf(secret, contextStrings)) forms.add(f);
    queue.push(...nestedSecrets(secret));
  }
  return [...forms];
}

/** The secret values of a config and their forms; `secretNames` come from the schema's `secret` metadata. */
export function secretFormsOfConfig(config: unknown, secretNames: readonly string[]): string[] {
  if (!config || typeof config !== "object") return [];
  const record = config as Record<string, unknown>;
  const names = new Set(secretNames);
  const secrets = secretNames.map((n) => record[n]);
  const context = Object.entries(record)
    .filter(([k]) => !names.has(k))
    .map(([, v]) => v);
  return deriveSecretForms(secrets, context);
}

/**
 * Finds any of many literal strings in one pass: candidates are indexed by their first characters, so
 * the cost grows with the text, not with the number of remembered secrets.
 */
class FormMatcher {
  private readonly byPrefix = new Map<string, string[]>();

  constructor(forms: Iterable<string>) {
    for (const form of new Set(forms)) {
      if (form.length < MIN_FORM_LENGTH) continue;
      const key = form.slice(0, MIN_FORM_LENGTH);
      const list = this.byPrefix.get(key);
      if (list) list.push(form);
      else this.byPrefix.set(key, [form]);
    }
    for (const list of this.byPrefix.values()) list.sort((a, b) => b.length - a.length);
  }

  replace(text: string): string {
    if (this.byPrefix.size === 0 || text.length < MIN_FORM_LENGTH) return text;
    let out = "";
    let copied = 0;
    let i = 0;
    while (i <= text.length - MIN_FORM_LENGTH) {
      const match = this.byPrefix.get(text.slice(i, i + MIN_FORM_LENGTH))?.find((form) => text.startsWith(form, i));
      if (match) {
        out += text.slice(copied, i) + REDACTED;
        i += match.length;
        copied = i;
      } else {
        i += 1;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}

const matchers = new WeakMap<readonly string[], FormMatcher>();

function matcherFor(forms: readonly string[]): FormMatcher {
  let matcher = matchers.get(forms);
  if (!matcher) matchers.set(forms, (matcher = new FormMatcher(forms)));
  return matcher;
}

/** `text` with every one of `forms` (from `deriveSecretForms`) and every remembered secret replaced. */
export function redactSecrets(text: string, forms: readonly string[]): string {
  return redactKnownSecrets(matcherFor(forms).replace(text));
}

// ---------------------------------------------------------------------------------------------------
// The process-wide set

const knownForms = new Set<string>();
let knownMatcher: FormMatcher | undefined;

/** Remembers secret values (and their forms) so every emitted string is scrubbed of them. */
export function rememberSecrets(secrets: readonly unknown[], context: readonly unknown[] = []): void {
  const forms = deriveSecretForms(secrets, context);
  let added = false;
  for (const f of forms) {
    added ||= !knownForms.has(f);
    knownForms.delete(f); // re-inserting moves it to the young end
    knownForms.add(f);
  }
  while (knownForms.size > MAX_KNOWN_FORMS) {
    knownForms.delete(knownForms.values().next().value!);
    added = true;
  }
  if (added) knownMatcher = undefined;
}

/** `text` without any remembered secret. */
export function redactKnownSecrets(text: string): string {
  if (knownForms.size === 0) return text;
  knownMatcher ??= new FormMatcher(knownForms);
  return knownMatcher.replace(text);
}

/** A copy of a JSON-like value (an error payload, log fields) with every string scrubbed. */
export function redactKnownSecretsDeep<T>(value: T, depth = 0): T {
  if (typeof value === "string") return redactKnownSecrets(value) as T;
  if (depth > MAX_ERROR_DEPTH || value === null || typeof value !== "object" || value instanceof Date) return value;
  if (value instanceof Error) return redactError(value, []) as T;
  if (Array.isArray(value)) return value.map((v) => redactKnownSecretsDeep(v, depth + 1)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactKnownSecretsDeep(v, depth + 1)])) as T;
}

// ---------------------------------------------------------------------------------------------------
// Errors

function setProperty(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(target, key) });
  } catch {
    // A frozen object: the caller replaces the error instead.
  }
}

function redactValue(value: unknown, redact: (s: string) => string, seen: Set<object>, depth: number): unknown {
  if (typeof value === "string") return redact(value);
  if (value === null || typeof value !== "object" || depth > MAX_ERROR_DEPTH || seen.has(value)) return value;
  const proto = Object.getPrototypeOf(value) as object | null;
  const walkable = value instanceof Error || Array.isArray(value) || proto === Object.prototype || proto === null;
  if (!walkable) return value;
  seen.add(value);
  const keys = new Set(Object.getOwnPropertyNames(value));
  if (value instanceof Error) {
    keys.add("message");
    keys.add("stack");
    keys.add("cause");
  }
  for (const key of keys) {
    let current: unknown;
    try {
      current = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    if (current === undefined || typeof current === "function") continue;
    const next = redactValue(current, redact, seen, depth + 1);
    if (next !== current) setProperty(value, key, next);
  }
  return value;
}

/**
 * Scrubs an error in place — message, stack, cause chain, nested `errors`, string properties such as a
 * driver's `detail` — so `instanceof` checks further up keep working. Answers the error to throw: the
 * same object, or a plain Error with the scrubbed message when the original could not be changed.
 */
export function redactError(error: unknown, forms: readonly string[]): unknown {
  const matcher = matcherFor(forms);
  const redact = (s: string) => redactKnownSecrets(matcher.replace(s));
  if (typeof error === "string") return redact(error);
  if (error === null || typeof error !== "object") return error;
  redactValue(error, redact, new Set(), 0);
  if (error instanceof Error) {
    const message = redact(error.message);
    if (message !== error.message || (error.stack && redact(error.stack) !== error.stack)) {
      const copy = new Error(message);
      copy.name = error.name;
      return copy;
    }
  }
  return error;
}

// ---------------------------------------------------------------------------------------------------
// The connector boundary

type AnyFunction = (...args: unknown[]) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === "function";
}

async function* redactIterator(iterable: AsyncIterable<unknown>, forms: () => readonly string[]): AsyncGenerator<unknown> {
  try {
    yield* iterable;
  } catch (error) {
    throw redactError(error, forms());
  }
}

/** Messages a connector returns rather than throws: a check result, per-record rejections, link labels. */
function redactResult(method: string, result: unknown, forms: () => readonly string[]): unknown {
  const redact = (s: unknown) => (typeof s === "string" ? redactSecrets(s, forms()) : s);
  if (method === "check" && result && typeof result === "object" && "message" in result) {
    const check = result as { message: unknown; warning?: unknown };
    return { ...result, message: redact(check.message), ...(check.warning === undefined ? {} : { warning: redact(check.warning) }) };
  }
  if (method === "write" && Array.isArray(result)) {
    return result.map((r: { status?: string; message?: unknown; code?: unknown; field?: unknown }) =>
      r && r.status === "rejected" ? { ...r, message: redact(r.message), code: redact(r.code), field: redact(r.field) } : r,
    );
  }
  if (method === "openReader" && result && typeof result === "object") return wrapReader(result, forms);
  if (method === "dashboardLinks" && Array.isArray(result)) {
    return result.map((l: { label?: unknown; url?: unknown }) => ({ ...l, label: redact(l.label), url: redact(l.url) }));
  }
  return result;
}

/** Methods whose answer, not only a thrown error, can carry a message (see redactResult). */
const METHODS_WITH_MESSAGES = new Set(["check", "write", "openReader", "dashboardLinks"]);

/** The secret forms of the config a call was made with, worked out once and only when something needs scrubbing. */
function formsOfCall(args: unknown[], secretNames: readonly string[]): () => readonly string[] {
  let cached: readonly string[] | undefined;
  return () => (cached ??= secretFormsOfConfig((args[0] as { config?: unknown } | undefined)?.config, secretNames));
}

function wrapMethod(method: string, fn: AnyFunction, target: object, secretNames: readonly string[]): AnyFunction {
  return (...args: unknown[]) => {
    let result: unknown;
    try {
      result = fn.apply(target, args);
    } catch (error) {
      throw redactError(error, formsOfCall(args, secretNames)());
    }
    // validateRecord and measureRecord run once per record and answer plain values: nothing to scrub, so nothing is allocated.
    if (!METHODS_WITH_MESSAGES.has(method) && !isThenable(result) && !isAsyncIterable(result)) return result;
    return redactOutcome(method, result, formsOfCall(args, secretNames));
  };
}

/**
 * A page reader (`openReader`) keeps the config it was opened with: its pages' errors are scrubbed of
 * that config's secrets, like the errors of the connector's own methods.
 */
function wrapReader(reader: object, forms: () => readonly string[]): object {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(reader)) {
    wrapped[key] = typeof value === "function" ? (...args: unknown[]) => callRedacted(key, value as AnyFunction, reader, args, forms) : value;
  }
  return wrapped;
}

function callRedacted(method: string, fn: AnyFunction, target: object, args: unknown[], forms: () => readonly string[]): unknown {
  let result: unknown;
  try {
    result = fn.apply(target, args);
  } catch (error) {
    throw redactError(error, forms());
  }
  return redactOutcome(method, result, forms);
}

/** What a call answered, scrubbed: a promise's rejection or value, an async iterator's errors, a returned message. */
function redactOutcome(method: string, result: unknown, forms: () => readonly string[]): unknown {
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => (isAsyncIterable(value) ? redactIterator(value, forms) : redactResult(method, value, forms)),
      (error: unknown) => {
        throw redactError(error, forms());
      },
    );
  }
  if (isAsyncIterable(result)) return redactIterator(result, forms);
  return redactResult(method, result, forms);
}

/**
 * The connector as the rest of the app sees it: the same object with every method's way out passing
 * through `redactSecrets` with the secrets of the config it was called with.
 */
export function withSecretRedaction<T extends object>(connector: T, secretNames: readonly string[]): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(connector)) {
    wrapped[key] = typeof value === "function" ? wrapMethod(key, value as AnyFunction, connector, secretNames) : value;
  }
  return wrapped as T;
}

import { env } from "~/env.js";
import { redactKnownSecrets, redactKnownSecretsDeep } from "~/server/connectors/redact-secrets";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_KEY = /pass(word|code)?|secret|token|api_?key|private_?key|authorization|credentials?/i;

/**
 * A copy of `value` with secret-looking keys replaced and every secret the process decrypted scrubbed
 * from its strings, so a log line never carries a credential.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactKnownSecrets(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    const cause = value.cause === undefined ? undefined : redact(value.cause, depth + 1);
    return redactKnownSecretsDeep({ name: value.name, message: value.message, stack: value.stack, ...(cause === undefined ? {} : { cause }) });
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1)]),
  );
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (ORDER[level] < ORDER[env.LOG_LEVEL]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, message: redactKnownSecrets(message), ...(fields ? (redact(fields) as object) : {}) });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/** Structured JSON lines on stdout/stderr; fields pass through `redact`. */
export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

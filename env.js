/**
 * Server configuration, validated once at boot. Edit this file when adding an environment variable;
 * code reads `env`, never `process.env`.
 *
 * Embedded mode (no DATABASE_URL): AUTH_SECRET and ENCRYPTION_KEY are generated once into the data
 * folder so `npm start` needs nothing else. Scaled out (DATABASE_URL set), every instance must share
 * them, so they are required.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { z } from "zod";

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional());
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes encoded as base64 (openssl rand -base64 32)");

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATA_DIR: z.string().default("./.data"),
  /**
   * The only folder DuckDB/CSV/Parquet sources may read, one subfolder per workspace. Never the data
   * folder (which holds secrets.json) or anything inside or around it.
   */
  FILE_SOURCES_DIR: z.string().min(1).default("./file-sources"),
  /** Largest file a member may upload into the workspace's folder, in bytes. */
  FILE_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  DATABASE_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  ),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  ENCRYPTION_KEY: z.preprocess((v) => (v === "" ? undefined : v), base64Key.optional()),
  /** Previous key, accepted for decryption while `npm run cli -- rotate-key` moves data to the new one. */
  ENCRYPTION_KEY_PREVIOUS: z.preprocess((v) => (v === "" ? undefined : v), base64Key.optional()),
  NEXTAUTH_URL: optionalUrl,
  GITHUB_ID: optionalString,
  GITHUB_SECRET: optionalString,
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_DEV: optionalString,
  INNGEST_BASE_URL: optionalUrl,
  /** Test-only host overrides; no user input can choose a host. */
  CLEVERTAP_API_BASE_URL: optionalUrl,
  CUSTOMERIO_TRACK_BASE_URL: optionalUrl,
  CUSTOMERIO_APP_BASE_URL: optionalUrl,
  GOOGLE_SHEETS_API_BASE_URL: optionalUrl,
  GOOGLE_OAUTH_TOKEN_URL: optionalUrl,
  /**
   * How many reverse proxies sit in front of the app. Only then is the client address read from
   * X-Forwarded-For (the entry that many from the right); otherwise it is the connection's own address.
   */
  TRUST_PROXY: z.preprocess(
    (v) => (v === "" || v === undefined ? 0 : v === "true" ? 1 : v === "false" ? 0 : v),
    z.coerce.number({ error: "must be the number of proxies in front of the app (for example 1)" }).int().min(0).max(10),
  ),
  /**
   * Alert e-mail: an smtp:// or smtps:// URL with credentials if needed (smtps://user:pass@mail.example.com:465).
   * Without it, e-mail alerts are written to the server log and recorded as "logged".
   */
  SMTP_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL, for example smtp://mail.example.com:587" })
      .optional(),
  ),
  /** The From address of alert e-mail. */
  ALERT_EMAIL_FROM: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.email({ error: "must be an e-mail address, for example alerts@example.com" }).default("tidewater@localhost"),
  ),
  /**
   * Let Slack and webhook alerts go to private, loopback and link-local addresses (a receiver on the same
   * machine or network). Off by default: members of a workspace must not reach the server's own network.
   */
  ALERT_WEBHOOK_ALLOW_PRIVATE: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["true", "false"], { error: "must be true or false" }).default("false").transform((v) => v === "true"),
  ),
  /** In-process runner: set to "off" on instances that must not execute runs. */
  RUNNER: z.enum(["auto", "off"]).default("auto"),
  /**
   * How far V8 lets the heap grow past what is live after each full collection, in percent (0: V8's
   * own choice). See server/lib/memory-policy.ts.
   */
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(25),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Largest request body tRPC, the REST API and the auth routes accept; larger ones get 413 before they are read. */
  MAX_REQUEST_BODY_BYTES: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Number(v)),
    z.number().int("must be a whole number of bytes").min(1024, "must be at least 1024 bytes").default(1024 * 1024),
  ),
});

function loadEmbeddedSecrets(dataDir, log) {
  const file = embeddedSecretsPath(dataDir);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    const generated = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, JSON.stringify(generated, null, 2), { flag: "wx", mode: 0o600 });
      log(
        `[config] AUTH_SECRET and ENCRYPTION_KEY were not set: generated them into ${file}. ` +
          "Back this file up; losing it makes stored credentials unreadable.",
      );
      return generated;
    } catch {
      // Another process (a parallel build worker) wrote it first: use theirs.
      return JSON.parse(readFileSync(file, "utf8"));
    }
  }
}

/** Where embedded mode keeps its generated secrets (rotate-key rewrites it). */
export function embeddedSecretsPath(dataDir) {
  return join(dataDir, "secrets.json");
}

/** The real path of a folder, or of its nearest existing ancestor joined with the rest (it may not exist yet). */
function realFolder(path) {
  let existing = path;
  let rest = "";
  for (;;) {
    try {
      // Configured folders, not project files: nothing for the bundler to trace.
      return join(realpathSync(/* turbopackIgnore: true */ existing), rest);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest = join(basename(existing), rest);
      existing = parent;
    }
  }
}

/** True when one folder is the other or inside it. */
function foldersOverlap(a, b) {
  const inside = (child, parent) => {
    const rel = relative(parent, child);
    return !(rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
  };
  return inside(a, b) || inside(b, a);
}

/** Parses a configuration object; exported for tests. Throws an Error naming every bad variable. */
export function parseEnv(source, log = (m) => console.warn(m)) {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  env.DATA_DIR = resolve(env.DATA_DIR);
  env.FILE_SOURCES_DIR = resolve(env.FILE_SOURCES_DIR);
  if (foldersOverlap(realFolder(env.FILE_SOURCES_DIR), realFolder(env.DATA_DIR))) {
    throw new Error(
      `Invalid configuration:\n  FILE_SOURCES_DIR: ${env.FILE_SOURCES_DIR} overlaps DATA_DIR ${env.DATA_DIR}; ` +
        "file sources must not be able to read the app's own data and secrets, so choose a folder that neither is nor contains nor sits inside DATA_DIR",
    );
  }
  if (!env.DATABASE_URL) {
    if (!env.AUTH_SECRET || !env.ENCRYPTION_KEY) {
      const secrets = loadEmbeddedSecrets(env.DATA_DIR, log);
      env.AUTH_SECRET ??= secrets.AUTH_SECRET;
      env.ENCRYPTION_KEY ??= secrets.ENCRYPTION_KEY;
      env.ENCRYPTION_KEY_PREVIOUS ??= secrets.ENCRYPTION_KEY_PREVIOUS;
    }
  } else {
    const missing = ["AUTH_SECRET", "ENCRYPTION_KEY"].filter((k) => !env[k]);
    if (missing.length > 0) {
      throw new Error(
        `Invalid configuration:\n${missing.map((k) => `  ${k}: required when DATABASE_URL is set (every instance must share it)`).join("\n")}`,
      );
    }
  }
  return env;
}

/** @type {ReturnType<typeof parseEnv> & { AUTH_SECRET: string; ENCRYPTION_KEY: string }} */
export const env = globalThis.__tidewaterEnv ?? (globalThis.__tidewaterEnv = parseEnv(process.env));

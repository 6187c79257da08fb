/**
 * Issue 8, item 5: no secret leaves the app, whichever path an error takes. Every secret field of every
 * connector in the registry gets an awkward value (newlines, quotes, unicode, URL-reserved characters);
 * each connector is made to fail in the ways it can here (bad header value, 401 from a simulator,
 * closed port, real PostgreSQL/MariaDB refusing, unreachable cloud host, failed read-back) through the
 * services and the in-process engine production uses. Then every table of the app database, every
 * returned message and every log line is scanned for each secret and each of its encodings.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { SIM_ACCOUNT_ID, SIM_PASSCODE, startClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { CUSTOMERIO_SIM_API_KEY, CUSTOMERIO_SIM_SITE_ID, startCustomerioSimulator } from "~/e2e/simulators/customerio/server";
import { startGoogleSheetsSimulator } from "~/e2e/simulators/google-sheets/server";
import { CONNECTORS, describeConfigFields, secretFieldNames } from "~/server/connectors/registry";
import type { AnyConnector } from "~/server/connectors/types";
import { createEngineDeps } from "./engine-deps";
import { directIo, runSyncRun } from "./run-sync-run";
import { closeDb, getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { createSync } from "~/server/services/syncs/create-sync";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { verifyRun } from "~/server/sync/verify-run";
import { createPostgresDatabase, TEST_MYSQL_URL } from "~/server/testing/databases";
import { describeModelColumns, discoverSource, previewModel } from "~/server/services/connections/browse-source";
import { createConnection } from "~/server/services/connections/create-connection";
import { testConnection } from "~/server/services/connections/test-connection";

const actor = { userId: null, label: "redaction test" };
const rand = () => randomBytes(6).toString("hex");

/** A secret nobody would type, but a password manager might: every line long enough to be recognised. */
function awkward(tag: string): string {
  return `  ${tag}-"q'uo\\te ${rand()}\n${rand()}?&=#/%2F+ é€😀<b>&amp;\r\nline-${rand()}; DROP "x"  `;
}

/** Awkward in the bytes a header may carry (Latin-1): with a line break fetch refuses it and quotes it, without one the server says 401. */
function awkwardLatin1(tag: string): string {
  return `${tag}-"q'uo\\te?&=#/%2F+ é ${rand()}`;
}

function serviceAccountJson(tag: string): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify({
    type: "service_account",
    project_id: "redaction-project",
    private_key_id: `${tag}-"id\n€ ${rand()}`,
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: `redact-${rand()}@redaction-project.iam.gserviceaccount.com`,
    token_uri: "https://oauth2.googleapis.com/token",
  });
}

/** Every form in which a secret could be echoed; written here independently of the product's list. */
function leakForms(secret: string, context: string[]): string[] {
  const forms = new Set<string>();
  const add = (v: string) => {
    if (v.length < 6 || /^-----(BEGIN|END) /.test(v)) return;
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
    forms.add(encodeURIComponent(v));
    forms.add(Buffer.from(v).toString("base64"));
  };
  for (const s of [secret, secret.trim()]) {
    add(s);
    for (const line of s.split(/\r\n|\r|\n/)) add(line.trim());
    for (const c of context) add(Buffer.from(`${c}:${s}`).toString("base64"));
  }
  try {
    const json = JSON.parse(secret) as { private_key?: string; private_key_id?: string };
    for (const nested of [json.private_key, json.private_key_id]) {
      if (!nested) continue;
      add(nested);
      for (const line of nested.split("\n")) if (line.length >= 16) add(line);
    }
  } catch {
    // Not JSON.
  }
  const url = /^postgres(ql)?:\/\/[^:]*:([^@]*)@/.exec(secret.trim());
  if (url) add(decodeURIComponent(url[2]!));
  return [...forms];
}

type Case = {
  label: string;
  connector: AnyConnector;
  config: Record<string, unknown>;
  /** Table models the source is read through. */
  model?: { type: "table"; schema: string; table: string };
  /** The connection itself works (trust auth ignores the password); the model is what fails. */
  connects?: boolean;
};

let closedPort: number;
let clevertap: { url: string; close(): Promise<void> };
let customerio: { url: string; close(): Promise<void> };
let sheets: Awaited<ReturnType<typeof startGoogleSheetsSimulator>>;
let sourceDb: Awaited<ReturnType<typeof createPostgresDatabase>>;
let workspaceId: string;
const secrets: { value: string; context: string[]; label: string }[] = [];
const responses: { where: string; text: string }[] = [];
const logLines: string[] = [];
const restore: (() => void)[] = [];

function remember(label: string, connector: AnyConnector, config: Record<string, unknown>) {
  const names = new Set(secretFieldNames(connector));
  const context = Object.entries(config)
    .filter(([k, v]) => !names.has(k) && typeof v === "string")
    .map(([, v]) => String(v));
  for (const n of names) if (typeof config[n] === "string") secrets.push({ value: config[n] as string, context, label: `${label}.${n}` });
}

function withAwkwardSecrets(connector: AnyConnector, config: Record<string, unknown>, label: string): Record<string, unknown> {
  const filled = { ...config };
  for (const field of describeConfigFields(connector)) {
    // A key present (even undefined) is the case's own choice: the URL field of PostgreSQL, say.
    if (!field.secret || field.name in filled) continue;
    filled[field.name] = field.widget === "textarea" && /service account/i.test(field.label) ? serviceAccountJson(label) : awkward(`${label}.${field.name}`);
  }
  return filled;
}

/** A config from the schema's own defaults and examples, for a connector this file has no case for yet. */
function genericConfig(connector: AnyConnector): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of describeConfigFields(connector)) {
    if (field.secret) continue;
    if (field.defaultValue !== undefined) config[field.name] = field.defaultValue;
    else if (field.options?.length) config[field.name] = field.options[0]!.value;
    else if (field.type === "number") config[field.name] = closedPort;
    else if (field.type === "string" && field.required) config[field.name] = field.placeholder ?? "127.0.0.1";
  }
  return config;
}

function casesFor(connector: AnyConnector): Case[] {
  const table = { type: "table" as const, schema: "public", table: "people" };
  const mysqlUrl = new URL(TEST_MYSQL_URL);
  const c = (label: string, config: Record<string, unknown>, model?: Case["model"], connects = false): Case => ({ label, connector, config: withAwkwardSecrets(connector, config, label), model, connects });
  switch (connector.id) {
    case "postgres":
      return [
        c("pg-closed-port", { url: undefined, host: "127.0.0.1", port: closedPort, database: "x", user: "reader" }, table),
        c("pg-missing-db", { url: undefined, host: "127.0.0.1", port: 5432, database: `missing_${rand()}`, user: "postgres" }, table),
        c("pg-url-missing-table", { url: sourceDb.url.replace("postgres://postgres@", `postgres://postgres:${encodeURIComponent(awkward("pg-url"))}@`) }, { ...table, table: "missing" }, true),
      ];
    case "mysql":
      return [
        c("mysql-wrong-password", { host: mysqlUrl.hostname, port: Number(mysqlUrl.port || 3306), database: mysqlUrl.pathname.slice(1) || "test", user: decodeURIComponent(mysqlUrl.username) || "root" }, { ...table, schema: "test" }),
        c("mysql-closed-port", { host: "127.0.0.1", port: closedPort, database: "test", user: "root" }, { ...table, schema: "test" }),
      ];
    case "google-sheets":
      return [c("sheets-unknown-account", { spreadsheetUrl: `https://docs.google.com/spreadsheets/d/redact-${rand()}/edit` }, { type: "table", schema: "sheet", table: "data" })];
    case "bigquery":
      return [c("bigquery-unreachable", { projectId: "redaction-project" }, { type: "table", schema: "analytics", table: "people" })];
    case "snowflake":
      return [c("snowflake-unreachable", { account: `redact${rand()}`, username: "READER", warehouse: "WH", database: "DB" }, { type: "table", schema: "PUBLIC", table: "PEOPLE" })];
    case "clevertap":
      return [
        c("clevertap-bad-header", { accountId: SIM_ACCOUNT_ID, region: "us1" }),
        c("clevertap-newline", { accountId: SIM_ACCOUNT_ID, region: "us1", passcode: `${awkwardLatin1("clevertap-newline")}\n${rand()}-tail` }),
        c("clevertap-401", { accountId: SIM_ACCOUNT_ID, region: "us1", passcode: awkwardLatin1("clevertap-401") }),
      ];
    case "customerio":
      return [
        c("customerio-401", { siteId: CUSTOMERIO_SIM_SITE_ID, region: "us" }),
        c("customerio-readback", { siteId: CUSTOMERIO_SIM_SITE_ID, region: "us", apiKey: CUSTOMERIO_SIM_API_KEY }),
      ];
    default:
      return secretFieldNames(connector).length > 0 ? [c(`${connector.id}-generic`, genericConfig(connector))] : [];
  }
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? "";
}

function errorText(error: unknown): string {
  if (error instanceof Error) return [error.message, error.stack, JSON.stringify(error, Object.getOwnPropertyNames(error))].join("\n");
  return String(error);
}

async function capture(where: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    const result = await fn();
    responses.push({ where, text: toJson(result) });
  } catch (error) {
    responses.push({ where, text: errorText(error) });
  }
}

function captureLogs() {
  for (const method of ["log", "error", "warn", "info", "debug"] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => void logLines.push(args.map((a) => (typeof a === "string" ? a : errorText(a))).join(" "));
    restore.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logLines.push(String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original));
  }
}

async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function runSync(syncId: string) {
  const db = await getDb();
  const runId = createId("run");
  await db.syncRun.create({ data: { id: runId, workspaceId, syncId, trigger: "MANUAL" } });
  const deps = createEngineDeps({ delivery: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
  // One attempt: the first failure is the run's final error, the message this test scans for.
  await capture(`run ${syncId}`, () => runSyncRun({ runId, deps, io: directIo, retry: { maxAttempts: 1 } }));
  await capture(`verify ${syncId}`, () => verifyRun({ runId, deps: { ...deps, verify: { recheckDelayMs: 0 } } }));
  return db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { logs: true, errors: true } });
}

/** Every row of every table of the app database, except the encrypted secrets themselves. */
async function readAppDatabase(): Promise<{ where: string; text: string }[]> {
  const db = await getDb();
  const tables = await db.$queryRawUnsafe<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const out: { where: string; text: string }[] = [];
  for (const { table_name } of tables) {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table_name}"`);
    for (const row of rows) {
      if (table_name === "Connection") delete row.secrets;
      const values: string[] = [];
      const walk = (v: unknown) => {
        if (typeof v === "string") values.push(v);
        else if (v && typeof v === "object" && !(v instanceof Date)) Object.values(v).forEach(walk);
      };
      walk(row);
      out.push({ where: `table ${table_name}`, text: [toJson(row), ...values].join("\n") });
    }
  }
  expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["Connection", "SyncRun", "SyncRunLog", "SyncRecordError", "AuditEntry"]));
  return out;
}

beforeAll(async () => {
  closedPort = await findClosedPort();
  clevertap = await startClevertapSimulator({ port: 0 });
  customerio = await startCustomerioSimulator({ port: 0 });
  sheets = await startGoogleSheetsSimulator({ port: 0 });
  const previous = { ct: env.CLEVERTAP_API_BASE_URL, track: env.CUSTOMERIO_TRACK_BASE_URL, app: env.CUSTOMERIO_APP_BASE_URL, sheets: env.GOOGLE_SHEETS_API_BASE_URL, token: env.GOOGLE_OAUTH_TOKEN_URL, level: env.LOG_LEVEL };
  env.CLEVERTAP_API_BASE_URL = clevertap.url;
  env.CUSTOMERIO_TRACK_BASE_URL = customerio.url;
  env.CUSTOMERIO_APP_BASE_URL = customerio.url;
  env.GOOGLE_SHEETS_API_BASE_URL = sheets.url;
  env.GOOGLE_OAUTH_TOKEN_URL = sheets.tokenUrl;
  env.LOG_LEVEL = "debug";
  restore.push(() => Object.assign(env, { CLEVERTAP_API_BASE_URL: previous.ct, CUSTOMERIO_TRACK_BASE_URL: previous.track, CUSTOMERIO_APP_BASE_URL: previous.app, GOOGLE_SHEETS_API_BASE_URL: previous.sheets, GOOGLE_OAUTH_TOKEN_URL: previous.token, LOG_LEVEL: previous.level }));
  sourceDb = await createPostgresDatabase("redact");
  const client = new pg.Client({ connectionString: sourceDb.url });
  await client.connect();
  await client.query(`CREATE TABLE people (user_key text PRIMARY KEY, email text, name text);
    INSERT INTO people SELECT 'u-' || g, 'p' || g || '@example.com', 'Person ' || g FROM generate_series(1, 5) g;`);
  await client.end();
  const user = await signUpUser({ email: `redact-${rand()}@example.com`, password: "Correct-Horse-42" });
  workspaceId = (await createWorkspace({ userId: user.id, name: "Redaction", actor })).id;
  captureLogs();
}, 120_000);

afterAll(async () => {
  for (const undo of restore.reverse()) undo();
  await clevertap?.close();
  await customerio?.close();
  await sheets?.close();
  await closeDb();
  await sourceDb?.drop();
});

describe("secrets in errors", () => {
  it("never leave a connector, whichever path the error takes", async () => {
    // A working source (trust auth ignores the awkward password in its URL) and destination to pair with.
    const goodSourceConfig = { url: sourceDb.url.replace("postgres://postgres@", `postgres://postgres:${encodeURIComponent(awkward("good-source"))}@`) };
    const postgres = CONNECTORS.find((c) => c.id === "postgres")!;
    const goodSource = await createConnection({ workspaceId, name: "Good source", type: "postgres", config: goodSourceConfig, actor });
    remember("good-source", postgres, goodSourceConfig);
    const goodDestination = await createConnection({ workspaceId, name: "Good CleverTap", type: "clevertap", config: { accountId: SIM_ACCOUNT_ID, passcode: SIM_PASSCODE, region: "us1" }, actor });
    const table = { type: "table", schema: "public", table: "people" };
    const template = await createSync({
      workspaceId,
      actor,
      definition: { name: "Template", sourceId: goodSource.id, destinationId: goodDestination.id, schedule: { type: "manual" }, model: table, object: "profile", behavior: "upsert", syncKey: { column: "user_key", identifier: "identity" }, mappings: [{ from: { column: "email" }, to: "Email", type: "string" }] },
    });
    const db = await getDb();
    const templateRow = await db.sync.findUniqueOrThrow({ where: { id: template.id } });

    const covered = new Set<string>();
    for (const connector of CONNECTORS) {
      const cases = casesFor(connector);
      if (secretFieldNames(connector).length > 0) expect(cases.length, `${connector.id} has secret fields, so it needs a failing case`).toBeGreaterThan(0);
      for (const k of cases) {
        covered.add(connector.id);
        remember(k.label, connector, k.config);
        await capture(`${k.label} test unsaved`, () => testConnection({ workspaceId, type: connector.id, config: k.config }));
        const connection = await createConnection({ workspaceId, name: `Case ${k.label}`, type: connector.id, config: k.config, actor });
        const stored = await testConnection({ workspaceId, connectionId: connection.id });
        responses.push({ where: `${k.label} test`, text: JSON.stringify(stored) });
        expect(stored.ok, `${k.label} must fail its test`).toBe(k.connects);
        let syncId: string;
        if (connector.kind === "source") {
          const model = k.model!;
          await capture(`${k.label} discover`, () => discoverSource({ workspaceId, connectionId: connection.id }));
          await capture(`${k.label} preview`, () => previewModel({ workspaceId, connectionId: connection.id, model }));
          await capture(`${k.label} columns`, () => describeModelColumns({ workspaceId, connectionId: connection.id, model }));
          syncId = createId("sync");
          const { workspaceId: ws, destinationId, syncKey, mappings, schedule, object, behavior } = templateRow;
          // createSync would refuse a source it cannot read; the run must meet that source's failure itself.
          await db.sync.create({ data: { id: syncId, workspaceId: ws, name: `Sync ${k.label}`, sourceId: connection.id, destinationId, model, object, behavior, syncKey: syncKey as object, mappings: mappings as object, schedule: schedule as object } });
        } else {
          syncId = createId("sync");
          const object = connector.id === "customerio" ? "person" : "profile";
          const identifier = connector.id === "customerio" ? "id" : "identity";
          const created = await createSync({
            workspaceId,
            actor,
            definition: { name: `Sync ${k.label}`, sourceId: goodSource.id, destinationId: connection.id, schedule: { type: "manual" }, model: table, object, behavior: "upsert", syncKey: { column: "user_key", identifier }, mappings: [{ from: { column: "email" }, to: connector.id === "customerio" ? "email" : "Email", type: "string" }] },
          });
          syncId = created.id;
        }
        const run = await runSync(syncId);
        responses.push({ where: `${k.label} run`, text: toJson(run) });
        const failedSomewhere = run.status === "FAILED" || run.rowsRejected > 0 || /could not|cannot|refused|rejected|failed/i.test(JSON.stringify(run.verification));
        expect(failedSomewhere, `${k.label} must fail in its run or its verification: ${run.status} ${JSON.stringify(run.verification)}`).toBe(true);
      }
    }
    expect([...covered].sort()).toEqual(CONNECTORS.filter((c) => secretFieldNames(c).length > 0).map((c) => c.id).sort());

    // The header-validation error that used to echo the passcode now names the header, never the value.
    const headerRun = responses.find((r) => r.where === "clevertap-newline run")!.text;
    expect(headerRun).toContain("cannot be sent in an HTTP header (X-CleverTap-Passcode");

    const haystacks = [...responses, ...(await readAppDatabase()), ...logLines.map((text, i) => ({ where: `log line ${i}`, text }))];
    const leaks: string[] = [];
    for (const secret of secrets) {
      for (const form of leakForms(secret.value, secret.context)) {
        for (const h of haystacks) if (h.text.includes(form)) leaks.push(`${secret.label} as ${JSON.stringify(form.slice(0, 40))} in ${h.where}: …${h.text.slice(Math.max(0, h.text.indexOf(form) - 80), h.text.indexOf(form) + 40)}…`);
      }
    }
    expect(secrets.length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  }, 600_000);
});

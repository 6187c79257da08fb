/**
 * Issue 8, items 5 and 6, over HTTP against `next start`:
 * - a CleverTap passcode and a Customer.io App API key with a newline and quotes (fetch refuses such a
 *   header and quotes its value) never come back: not in tRPC answers, REST runs and record errors,
 *   the run and connection pages, nor the server's own log;
 * - a stored database password is never sent to a host or port the user just typed: a fake PostgreSQL
 *   server that asks for passwords in clear text records everything it receives.
 */
import { readFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";

test.describe.configure({ mode: "serial" });

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

const SECRET = `Pass"c'o\\de-${randomBytes(4).toString("hex")}\nline2-${randomBytes(4).toString("hex")}?&=#/%2F é`;
/** Customer.io's App API key, used only by read-back: it cannot travel in a header, and the error names the header only. */
const APP_API_KEY = `app"k'e\\y-${randomBytes(4).toString("hex")}\nline2-${randomBytes(4).toString("hex")}&=é`;
const STORED_PASSWORD = `stored-${randomBytes(8).toString("hex")}`;

let source: Awaited<ReturnType<typeof createPostgresDatabase>>;

/** The ways the secret could be echoed. */
function leakForms(secret: string): string[] {
  const forms = new Set<string>();
  for (const v of [secret, ...secret.split("\n")]) {
    if (v.length < 6) continue;
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
    forms.add(encodeURIComponent(v));
    forms.add(Buffer.from(v).toString("base64"));
  }
  return [...forms];
}

function findLeaks(where: string, text: string, secret = SECRET): string[] {
  return leakForms(secret)
    .filter((f) => text.includes(f))
    .map((f) => `${where}: …${text.slice(Math.max(0, text.indexOf(f) - 100), text.indexOf(f) + 30)}…`);
}

/** A tRPC call from inside the page, so it is same-origin exactly as the app's own calls are (POST, with its header). */
async function trpc(page: Page, path: string, input: unknown): Promise<{ status: number; text: string; json: Json }> {
  return page.evaluate(
    async ({ path, input }) => {
      const body = JSON.stringify({ json: input });
      const response = await fetch(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", "x-trpc-source": "e2e" }, body });
      const text = await response.text();
      return { status: response.status, text, json: JSON.parse(text) as Json };
    },
    { path, input },
  );
}

function data(result: { json: Json }): Json {
  return result.json.result?.data?.json as Json;
}

async function createToken(page: Page, slug: string): Promise<string> {
  await page.goto(`/w/${slug}/settings`);
  await page.getByLabel("Token name").fill("redaction automation");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("api-token-value").textContent())?.trim();
  expect(token).toBeTruthy();
  return token!;
}

/** Speaks enough PostgreSQL to be handed a password: AuthenticationCleartextPassword to every client. */
async function startFakePostgres() {
  const received: Buffer[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    let first = true;
    socket.on("data", (chunk) => {
      received.push(chunk);
      if (!first) return void socket.destroy();
      first = false;
      const auth = Buffer.alloc(9);
      auth.write("R", 0);
      auth.writeInt32BE(8, 1);
      auth.writeInt32BE(3, 5);
      socket.write(auth);
    });
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    text: () => Buffer.concat(received).toString("latin1"),
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_redact");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE public.people (user_id text PRIMARY KEY, email text NOT NULL);
      INSERT INTO public.people VALUES ('u1', 'ada@example.com'), ('u2', 'grace@example.com');`);
  } finally {
    await client.end();
  }
});

test.afterAll(async () => {
  await source?.drop();
});

test("a passcode with a newline and quotes never comes back: tRPC, REST, pages and the server log", async ({ page, request }) => {
  const { slug } = await signUpWithWorkspace(page, "redact");
  const token = await createToken(page, slug);
  const rest = async (method: string, path: string, body?: unknown) => {
    const response = await request.fetch(path, { method, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { data: body }) });
    const text = await response.text();
    return { status: response.status(), text, json: JSON.parse(text) as Json };
  };
  const answers: { where: string; text: string }[] = [];
  const workspace = await trpc(page, "workspace.bySlug", { slug });
  const workspaceId = data(workspace).id as string;
  expect(workspaceId).toBeTruthy();

  const config = { accountId: "SIM-ACC-0001", passcode: SECRET, region: "us1" };
  const unsaved = await trpc(page, "connection.test", { workspaceId, type: "clevertap", config });
  answers.push({ where: "tRPC connection.test (unsaved)", text: unsaved.text });
  expect(data(unsaved)).toMatchObject({ ok: false });

  const created = await trpc(page, "connection.create", { workspaceId, name: "Awkward CleverTap", type: "clevertap", config });
  answers.push({ where: "tRPC connection.create", text: created.text });
  const destinationId = data(created).id as string;
  expect(data(created).config).toMatchObject({ passcode: { set: true } });

  const tested = await trpc(page, "connection.test", { workspaceId, connectionId: destinationId });
  answers.push({ where: "tRPC connection.test", text: tested.text });
  // A passcode that cannot travel in a header is refused before anything is sent, naming the header, never the value.
  expect(data(tested)).toMatchObject({ ok: false, message: expect.stringContaining("cannot be sent in an HTTP header (X-CleverTap-Passcode") });
  const restTest = await rest("POST", `/api/v1/connections/${destinationId}/test`);
  answers.push({ where: "REST connection test", text: restTest.text });

  const warehouse = await rest("POST", "/api/v1/connections", { name: "Warehouse", type: "postgres", config: { url: source.url } });
  expect(warehouse.status, warehouse.text).toBe(201);
  const sync = await rest("POST", "/api/v1/syncs", {
    name: "People to awkward CleverTap",
    sourceId: warehouse.json.id,
    destinationId,
    model: { type: "table", schema: "public", table: "people" },
    object: "profile",
    behavior: "upsert",
    syncKey: { column: "user_id", identifier: "identity" },
    mappings: [{ from: { column: "email" }, to: "Email", type: "string" }],
    schedule: { type: "manual" },
  });
  expect(sync.status, sync.text).toBe(201);
  const started = await rest("POST", `/api/v1/syncs/${sync.json.id}/runs`);
  expect(started.status, started.text).toBeLessThan(300);
  const runId = started.json.runId as string;
  let run: { status: number; text: string; json: Json } = { status: 0, text: "", json: {} };
  await expect
    .poll(async () => ((run = await rest("GET", `/api/v1/runs/${runId}`)), run.json.status as string), { timeout: 90_000, intervals: [500, 1000] })
    .toMatch(/^(failed|succeeded|succeeded_with_invalid_rows|succeeded_with_rejections|cancelled)$/);
  answers.push({ where: "REST run", text: run.text });
  expect(run.json.status).toBe("failed");
  expect(run.text).toContain("cannot be sent in an HTTP header (X-CleverTap-Passcode");
  answers.push({ where: "REST run errors", text: (await rest("GET", `/api/v1/runs/${runId}/errors`)).text });
  for (const procedure of ["syncRun.get", "syncRun.logs", "syncRun.errors"]) {
    answers.push({ where: `tRPC ${procedure}`, text: (await trpc(page, procedure, { workspaceId, runId })).text });
  }
  answers.push({ where: "tRPC connection.get", text: (await trpc(page, "connection.get", { workspaceId, connectionId: destinationId })).text });

  await page.goto(`/w/${slug}/syncs/${sync.json.id}/runs/${runId}`);
  await expect(page.getByText(/cannot be sent in an HTTP header/).first()).toBeVisible();
  answers.push({ where: "run page text", text: await page.locator("body").innerText() }, { where: "run page HTML", text: await page.content() });
  await page.goto(`/w/${slug}/connections/${destinationId}`);
  await expect(page.getByRole("heading", { name: "Awkward CleverTap", level: 1 })).toBeVisible();
  answers.push({ where: "connection page text", text: await page.locator("body").innerText() }, { where: "connection page HTML", text: await page.content() });

  // Customer.io: the run succeeds, then read-back meets the awkward App API key; verification logs why it failed.
  const customerio = await trpc(page, "connection.create", { workspaceId, name: "Awkward Customer.io", type: "customerio", config: { siteId: "sim-site", apiKey: "sim-key", region: "us", appApiKey: APP_API_KEY } });
  answers.push({ where: "tRPC connection.create (Customer.io)", text: customerio.text });
  answers.push({ where: "tRPC connection.test (Customer.io)", text: (await trpc(page, "connection.test", { workspaceId, connectionId: data(customerio).id })).text });
  const cioSync = await rest("POST", "/api/v1/syncs", {
    name: "People to awkward Customer.io",
    sourceId: warehouse.json.id,
    destinationId: data(customerio).id,
    model: { type: "table", schema: "public", table: "people" },
    object: "person",
    behavior: "upsert",
    syncKey: { column: "user_id", identifier: "id" },
    mappings: [{ from: { column: "email" }, to: "email", type: "string" }],
    schedule: { type: "manual" },
  });
  expect(cioSync.status, cioSync.text).toBe(201);
  const cioRunId = (await rest("POST", `/api/v1/syncs/${cioSync.json.id}/runs`)).json.runId as string;
  let cioRun: { status: number; text: string; json: Json } = { status: 0, text: "", json: {} };
  await expect
    .poll(async () => ((cioRun = await rest("GET", `/api/v1/runs/${cioRunId}`)), cioRun.json.verification?.message ?? null), { timeout: 90_000, intervals: [500, 1000] })
    .toContain("cannot be sent in an HTTP header (Authorization");
  expect(cioRun.json.status).toBe("succeeded");
  answers.push({ where: "REST run (Customer.io)", text: cioRun.text });
  answers.push({ where: "tRPC syncRun.logs (Customer.io)", text: (await trpc(page, "syncRun.logs", { workspaceId, runId: cioRunId })).text });
  await page.goto(`/w/${slug}/syncs/${cioSync.json.id}/runs/${cioRunId}`);
  await expect(page.getByText(/cannot be sent in an HTTP header/).first()).toBeVisible();
  answers.push({ where: "Customer.io run page text", text: await page.locator("body").innerText() }, { where: "Customer.io run page HTML", text: await page.content() });

  const serverLog = readFileSync(process.env.E2E_SERVER_LOG!, "utf8");
  // The server did log the failed read-back, with the key scrubbed.
  expect(serverLog).toMatch(/Run verification failed.*\[redacted\]/);
  answers.push(...serverLog.split("\n").map((line, i) => ({ where: `server log line ${i + 1}`, text: line })));
  const leaks = answers.flatMap((a) => [...findLeaks(a.where, a.text), ...findLeaks(a.where, a.text, APP_API_KEY)]);
  expect(leaks).toEqual([]);
});

test("a stored password is never sent to a host or port the user just typed", async ({ page, request }) => {
  const fake = await startFakePostgres();
  try {
    const { slug } = await signUpWithWorkspace(page, "endpoint");
    const token = await createToken(page, slug);
    const rest = async (method: string, path: string, body?: unknown) => {
      const response = await request.fetch(path, { method, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { data: body }) });
      return { status: response.status(), json: (await response.json()) as Json };
    };
    const pgUrl = new URL(source.url);
    const created = await rest("POST", "/api/v1/connections", {
      name: "Warehouse",
      type: "postgres",
      config: { host: "127.0.0.1", port: Number(pgUrl.port || 5432), database: source.name, user: "postgres", password: STORED_PASSWORD, sslMode: "disable" },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;

    await test.step("REST: a PATCH of the port alone is refused, names the password, changes nothing", async () => {
      const patched = await rest("PATCH", `/api/v1/connections/${id}`, { config: { port: fake.port } });
      expect(patched.status).toBe(400);
      expect(patched.json.error.details.fieldErrors).toHaveProperty("password");
      expect(patched.json.error.message).toMatch(/Port.*enter it again/);
      expect((await rest("GET", `/api/v1/connections/${id}`)).json.config).toMatchObject({ port: Number(pgUrl.port || 5432), password: { set: true } });
      expect((await rest("POST", `/api/v1/connections/${id}/test`)).json).toMatchObject({ ok: true });
    });

    await test.step("tRPC: testing unsaved host and port changes is refused before any connection", async () => {
      const workspaceId = data(await trpc(page, "workspace.bySlug", { slug })).id as string;
      // A port the schema refuses (a string) is reported as itself; the others need the password again.
      for (const [config, field] of [[{ port: fake.port }, "password"], [{ host: "localhost", port: fake.port }, "password"], [{ port: String(fake.port) }, "port"]] as const) {
        const answer = await trpc(page, "connection.test", { workspaceId, connectionId: id, config });
        expect(answer.status).toBe(400);
        expect(answer.json.error.json.data.fieldErrors).toHaveProperty(field);
      }
      expect(fake.connections()).toBe(0);
    });

    await test.step("UI: a new port turns the stored password into an input to fill again", async () => {
      await page.goto(`/w/${slug}/connections/${id}`);
      await expect(page.getByRole("button", { name: "Replace Password" })).toBeVisible();
      await page.getByLabel("Port").fill(String(fake.port));
      await expect(page.getByRole("button", { name: "Replace Password" })).toHaveCount(0);
      await expect(page.getByText("Enter the Password again: it is not sent to a new host (you changed Port).")).toBeVisible();
      await expect(page.getByLabel(/^Password/)).toHaveValue("");
      await page.getByRole("button", { name: "Test these settings" }).click();
      await expect(page.getByText(/Enter the Password again: the stored one is not sent to a new Port/)).toBeVisible();
      expect(fake.connections()).toBe(0);

      const typed = `typed-${randomBytes(6).toString("hex")}`;
      await page.getByLabel(/^Password/).fill(typed);
      await page.getByRole("button", { name: "Test these settings" }).click();
      await expect(page.getByTestId("test-result")).toBeVisible();
      await expect.poll(() => fake.text()).toContain(typed);
      await page.getByLabel("Port").fill(String(Number(pgUrl.port || 5432)));
      await expect(page.getByRole("button", { name: "Replace Password" })).toBeVisible();
    });

    expect(fake.text()).not.toContain(STORED_PASSWORD);
  } finally {
    await fake.close();
  }
});

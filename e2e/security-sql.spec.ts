/**
 * SQL models are read-only, attacked the way an attacker would: a freshly signed-up user adds a
 * PostgreSQL and a MariaDB source pointing at databases this spec created on the real servers, then
 * sends attack SQL to `connection.columns` and `connection.preview` over HTTP with the session cookie,
 * and through the source browser's SQL tab. Every attempt gets a clear refusal, and afterwards the
 * databases are re-read (their tables and rows) and the folder MariaDB could write a file to is listed.
 */
import { expect, test, type Page } from "@playwright/test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mysql from "mysql2/promise";
import pg from "pg";
import { createMysqlDatabase, createPostgresDatabase } from "../server/testing/databases";
import { signUpWithWorkspace } from "./fixtures/session";

type TrpcResponse = { status: number; message?: string; data?: unknown };

let pgSource: Awaited<ReturnType<typeof createPostgresDatabase>>;
let mySource: Awaited<ReturnType<typeof createMysqlDatabase>>;
let filesDir: string;

const baseUrl = () => process.env.E2E_BASE_URL ?? "http://localhost:3100";

/**
 * A tRPC call as a script would make it, with the page's session cookie: POST with a JSON body, the
 * app's own Origin and the header the app's client sends (queries are POSTs too).
 */
async function callProcedure(page: Page, path: string, input: unknown): Promise<TrpcResponse> {
  const headers = { origin: baseUrl(), "x-trpc-source": "e2e" };
  const response = await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers });
  const body = (await response.json()) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string } } };
  return { status: response.status(), message: body.error?.json?.message, data: body.result?.data?.json };
}

async function readPostgres() {
  const client = new pg.Client({ connectionString: pgSource.url });
  await client.connect();
  try {
    const tables = await client.query("SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
    const rows = await client.query("SELECT id, email FROM public.customers ORDER BY id");
    return { tables: tables.rows.map((r) => r.name as string), rows: rows.rows };
  } finally {
    await client.end();
  }
}

async function readMariadb() {
  const connection = await mysql.createConnection(mySource.url);
  try {
    const [tables] = await connection.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1");
    const [rows] = await connection.query("SELECT id, email FROM customers ORDER BY id");
    return { tables: (tables as { name: string }[]).map((t) => t.name), rows, files: readdirSync(filesDir) };
  } finally {
    await connection.end();
  }
}

test.beforeAll(async () => {
  pgSource = await createPostgresDatabase("e2e_secsql");
  const client = new pg.Client({ connectionString: pgSource.url });
  await client.connect();
  await client.query("CREATE TABLE public.customers (id int PRIMARY KEY, email text); INSERT INTO public.customers VALUES (1, 'ada@example.com'), (2, 'grace@example.com')");
  await client.end();

  mySource = await createMysqlDatabase("e2e_secsql");
  const connection = await mysql.createConnection(mySource.url);
  await connection.query("CREATE TABLE customers (id int PRIMARY KEY, email varchar(50))");
  await connection.query("INSERT INTO customers VALUES (1, 'ada@example.com'), (2, 'grace@example.com')");
  await connection.end();

  // MariaDB runs on this machine as its own user: a folder it may write to, so a file an attack wrote would show here.
  filesDir = mkdtempSync(join(tmpdir(), "tw-e2e-outfile-"));
  chmodSync(filesDir, 0o777);
});

test.afterAll(async () => {
  await pgSource?.drop();
  await mySource?.drop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

async function workspaceIdOf(page: Page, slug: string): Promise<string> {
  const workspace = await callProcedure(page, "workspace.bySlug", { slug });
  expect(workspace.status, workspace.message).toBe(200);
  return (workspace.data as { id: string }).id;
}

test("PostgreSQL: a new user's attack SQL is refused over HTTP and in the SQL tab, and the database is unchanged", async ({ page }) => {
  test.setTimeout(120_000);
  const { slug } = await signUpWithWorkspace(page, "secsql-pg");
  const workspaceId = await workspaceIdOf(page, slug);

  await test.step("the source is added through the UI; Test warns that the user may write", async () => {
    await page.goto(`/w/${slug}/connections`);
    await page.getByRole("link", { name: "New Source" }).click();
    await page.getByRole("link", { name: /^PostgreSQL/ }).click();
    await page.getByLabel("Name", { exact: true }).fill("Warehouse");
    await page.getByLabel("Connection URL").fill(pgSource.url);
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toContainText("Connection succeeded");
    const warning = page.getByTestId("test-warning");
    await expect(warning).toContainText('User "postgres" is a superuser');
    await expect(warning).toContainText("CREATE ROLE tidewater_reader LOGIN PASSWORD '…'; GRANT pg_read_all_data TO tidewater_reader;");
    await page.screenshot({ path: "test-results/screens/security-sql-pg-test-warning.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 900 });
    await expect(warning).toBeVisible();
    await warning.screenshot({ path: "test-results/screens/security-sql-pg-test-warning-390.png" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL(/\/connections\/(?!new)[^/?]+$/);
  });
  const connectionId = new URL(page.url()).pathname.split("/").pop()!;
  const before = await readPostgres();

  await test.step("attack SQL sent to connection.columns and connection.preview is refused", async () => {
    const attacks = [
      "SELECT $a$'$a$ AS x) AS model; COMMIT; CREATE TABLE t(i int); SELECT * FROM (SELECT $b$'$b$ AS y",
      "SELECT E'\\'' AS x) AS model; COMMIT; CREATE TABLE t_e(i int); SELECT * FROM (SELECT E'\\'' AS y",
      "SELECT 1 AS x; COMMIT; INSERT INTO public.customers VALUES (99, 'pwn@example.com')",
      "WITH w AS (INSERT INTO public.customers VALUES (98, 'pwn@example.com') RETURNING id) SELECT * FROM w",
      "SELECT * INTO t_into FROM public.customers",
      "SELECT * FROM public.customers FOR UPDATE",
      "CREATE TABLE t_ctas AS SELECT 1 AS x",
    ];
    for (const sql of attacks) {
      for (const path of ["connection.columns", "connection.preview"]) {
        const response = await callProcedure(page, path, { workspaceId, connectionId, model: { type: "sql", sql } });
        expect(response.status, `${path}: ${sql}`).toBe(400);
        expect(response.message, `${path}: ${sql}`).toMatch(/^(Models are read-only: |The query is not valid PostgreSQL: )/);
      }
    }
    const legit = await callProcedure(page, "connection.preview", { workspaceId, connectionId, model: { type: "sql", sql: "SELECT 'a;b' AS s, $$c$$ AS t, email FROM public.customers ORDER BY id;" } });
    expect(legit.status, legit.message).toBe(200);
    expect((legit.data as { rows: unknown[] }).rows).toEqual([
      { s: "a;b", t: "c", email: "ada@example.com" },
      { s: "a;b", t: "c", email: "grace@example.com" },
    ]);
  });

  await test.step("the same attack typed into the source browser's SQL tab is refused with the reason", async () => {
    await page.getByRole("tab", { name: "SQL query" }).click();
    await page.getByRole("textbox", { name: "SQL query" }).fill("SELECT 1 AS x; COMMIT; CREATE TABLE t_ui(i int)");
    await page.getByRole("button", { name: "Preview" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "The database refused this preview" });
    await expect(refusal).toContainText("Models are read-only: a model is one statement, and this query has 3.");
    await page.screenshot({ path: "test-results/screens/security-sql-pg-refusal.png", fullPage: true });
  });

  expect(await readPostgres()).toEqual(before);
  expect(before.tables).toEqual(["public.customers"]);
});

test("MariaDB: INTO OUTFILE, '#' and executable comments are refused over HTTP; no file, table or row appears", async ({ page }) => {
  test.setTimeout(120_000);
  const { slug } = await signUpWithWorkspace(page, "secsql-my");
  const workspaceId = await workspaceIdOf(page, slug);
  const u = new URL(mySource.url);
  const created = await page.request.post("/api/trpc/connection.create", {
    data: { json: { workspaceId, name: "Shop DB", type: "mysql", config: { host: u.hostname, port: Number(u.port || 3306), database: mySource.name, user: decodeURIComponent(u.username) } } },
    headers: { origin: baseUrl(), "x-trpc-source": "e2e" },
  });
  expect(created.status(), await created.text()).toBe(200);
  const connectionId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;

  const test_ = await page.request.post("/api/trpc/connection.test", { data: { json: { workspaceId, connectionId } }, headers: { origin: baseUrl(), "x-trpc-source": "e2e" } });
  const checked = ((await test_.json()) as { result: { data: { json: { ok: boolean; warning?: string } } } }).result.data.json;
  expect(checked.ok).toBe(true);
  expect(checked.warning).toMatch(/FILE/);
  expect(checked.warning).toContain(`GRANT SELECT ON \`${mySource.name}\`.* TO 'tidewater_reader'@'%';`);

  const before = await readMariadb();
  const out = (name: string) => join(filesDir, name);
  const attacks = [
    `SELECT 1 AS x) AS model INTO OUTFILE '${out("issue.txt")}' #`,
    `SELECT * FROM customers INTO OUTFILE '${out("plain.txt")}'`,
    `SELECT email FROM customers INTO DUMPFILE '${out("dump.bin")}'`,
    `SELECT 1 AS x /*! INTO OUTFILE '${out("exec.txt")}' */`,
    `SELECT 1 AS x /*!50000 ) AS model INTO OUTFILE '${out("exec2.txt")}' */ #`,
    `SELECT 1 AS x --x\nINTO OUTFILE '${out("dashdash.txt")}'`,
    "SELECT 1 AS x; DROP TABLE customers",
    "SELECT * FROM customers LOCK IN SHARE MODE",
    "INSERT INTO customers VALUES (99, 'pwn@example.com')",
  ];
  for (const sql of attacks) {
    for (const path of ["connection.columns", "connection.preview"]) {
      const response = await callProcedure(page, path, { workspaceId, connectionId, model: { type: "sql", sql } });
      expect(response.status, `${path}: ${sql}`).toBe(400);
      expect(response.message, `${path}: ${sql}`).toMatch(/^Models are read-only: /);
    }
  }
  // A trailing '#' comment is a comment, and the preview's own LIMIT still applies after it.
  const legit = await callProcedure(page, "connection.preview", { workspaceId, connectionId, model: { type: "sql", sql: "SELECT id, '#1;' AS tag FROM customers ORDER BY id # trailing" } });
  expect(legit.status, legit.message).toBe(200);
  expect((legit.data as { rows: unknown[] }).rows).toEqual([
    { id: 1, tag: "#1;" },
    { id: 2, tag: "#1;" },
  ]);

  const after = await readMariadb();
  expect(after).toEqual(before);
  expect(after.files).toEqual([]);
  for (const name of ["issue.txt", "plain.txt", "dump.bin", "exec.txt", "exec2.txt", "dashdash.txt"]) expect(existsSync(out(name)), name).toBe(false);
});

/**
 * File sources read nothing outside their workspace's folder under FILE_SOURCES_DIR, attacked over
 * HTTP against `next start` by a freshly signed-up user:
 * - a DuckDB connection on the data folder's secrets.json (absolute, `..`, a symlink an operator left,
 *   another workspace's folder) is refused when tested and when saved;
 * - a SQL model on a legitimate file connection that reads secrets.json (read_text, read_csv,
 *   read_json_auto, glob, ATTACH, SET …) is refused;
 * - the upload route refuses cross-site requests, strangers, bad names, oversized bodies and silent
 *   overwrites;
 * and no response or page ever contains the server's AUTH_SECRET or ENCRYPTION_KEY, read here from the
 * data folder. Then the upload flow a member uses in the browser: upload a CSV, create a DuckDB files
 * connection on it, see its rows.
 */
import { expect, test, type Page } from "@playwright/test";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileSourcesDir, workspaceIdOf } from "./fixtures/file-sources";
import { acceptInvitationAsNewUser, createWorkspace, inviteMember, signUpWithWorkspace, uniqueEmail } from "./fixtures/session";
import { captureScreen } from "./fixtures/sync-flows";

const MARKER = `other-tenant-${Date.now().toString(36)}`;

function dataDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set: run the browser tests through playwright.config.ts");
  return dir;
}

/** The server's own secrets, and the other tenant's marker: none may ever reach the attacker. */
function forbiddenValues(): string[] {
  const secrets = JSON.parse(readFileSync(join(dataDir(), "secrets.json"), "utf8")) as Record<string, string>;
  const values = [secrets.AUTH_SECRET, secrets.ENCRYPTION_KEY].filter((v): v is string => typeof v === "string" && v.length > 0);
  expect(values).toHaveLength(2);
  // A prefix catches a value cut short by a truncated error message.
  return [...values, ...values.map((v) => v.slice(0, 12)), MARKER];
}

function expectNoLeak(text: string, what: string) {
  for (const value of forbiddenValues()) expect(text.includes(value), `${what} leaks a secret`).toBe(false);
}

type Reply = { status: number; text: string };

/** A tRPC call from the page, as the app's own client makes it (same origin, session cookie). */
async function trpc(page: Page, path: string, input: unknown): Promise<Reply> {
  const reply = await page.evaluate(
    async ({ path, input }) => {
      const body = JSON.stringify({ json: input });
      // Queries are POSTs too, with the header the app's own client sends (server/api/same-origin.ts).
      const response = await fetch(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", "x-trpc-source": "e2e" }, body });
      return { status: response.status, text: await response.text() };
    },
    { path, input },
  );
  expectNoLeak(reply.text, path);
  return reply;
}

/** An upload from the page, as the connection form makes it. */
async function upload(page: Page, workspaceId: string, name: string, content: string, query = ""): Promise<Reply> {
  const reply = await page.evaluate(
    async ({ workspaceId, name, content, query }) => {
      const response = await fetch(`/api/workspaces/${workspaceId}/files?name=${encodeURIComponent(name)}${query}`, { method: "POST", body: content, headers: { "x-trpc-source": "e2e" } });
      return { status: response.status, text: await response.text() };
    },
    { workspaceId, name, content, query },
  );
  expectNoLeak(reply.text, `upload ${name}`);
  return reply;
}

function testResultOf(reply: Reply): { ok: boolean; message: string } | null {
  const parsed = JSON.parse(reply.text) as { result?: { data?: { json?: { ok: boolean; message: string } } } };
  return parsed.result?.data?.json ?? null;
}

test.describe("file sources stay inside the workspace's folder", () => {
  test("a new user cannot point a DuckDB connection at the data folder, .. paths, a symlink or another workspace", async ({ page }) => {
    const { slug } = await signUpWithWorkspace(page, "sec-files");
    const workspaceId = await workspaceIdOf(page, slug);
    const otherSlug = await createWorkspace(page, "sec-files other");
    const otherId = await workspaceIdOf(page, otherSlug);
    const own = join(fileSourcesDir(), workspaceId);
    const theirs = join(fileSourcesDir(), otherId);
    mkdirSync(own, { recursive: true });
    mkdirSync(theirs, { recursive: true });
    writeFileSync(join(theirs, "theirs.csv"), `id,secret\n1,${MARKER}\n`);
    // What an operator might leave behind: a link from the workspace folder to the secrets.
    symlinkSync(join(dataDir(), "secrets.json"), join(own, "settings.json"));
    const secretsPath = join(dataDir(), "secrets.json");
    const upToData = relative(own, secretsPath);
    expect(upToData.startsWith("..")).toBe(true);

    const attempts: Record<string, unknown>[] = [
      { mode: "files", files: secretsPath },
      { mode: "database", path: secretsPath },
      { mode: "files", files: upToData },
      { mode: "database", path: upToData },
      { mode: "files", files: `../${otherId}/theirs.csv` },
      { mode: "files", files: `./../${otherId}/*.csv` },
      { mode: "files", files: join(theirs, "theirs.csv") },
      { mode: "files", files: "..\\..\\secrets.json" },
      { mode: "files", files: "settings.json" },
      { mode: "files", files: "*.json" },
    ];
    for (const config of attempts) {
      const tested = await trpc(page, "connection.test", { workspaceId, type: "duckdb", config });
      const result = testResultOf(tested);
      if (result) {
        expect(result.ok, JSON.stringify(config)).toBe(false);
        expect(result.message).toMatch(/outside this workspace's file folder|link to a file outside|No files match/);
      } else {
        expect(tested.status, JSON.stringify(config)).toBe(400);
        expect(tested.text).toMatch(/absolute paths are not accepted|cannot contain \\"\.\.\\"/);
      }
      const created = await trpc(page, "connection.create", { workspaceId, name: `Leak ${JSON.stringify(config)}`, type: "duckdb", config });
      if (created.status === 200) {
        // Saved settings that name a file inside the folder (a link): reading through them is refused.
        const connectionId = (JSON.parse(created.text) as { result: { data: { json: { id: string } } } }).result.data.json.id;
        const preview = await trpc(page, "connection.preview", { workspaceId, connectionId, model: { type: "table", schema: "files", table: "data" } });
        expect(preview.status, JSON.stringify(config)).toBe(400);
        expect(preview.text).toMatch(/link to a file outside|No files match/);
      } else {
        expect(created.status, JSON.stringify(config)).toBe(400);
      }
    }

    await test.step("the same through the connection form: a clear message on the field, nothing saved", async () => {
      await page.goto(`/w/${slug}/connections/new?kind=source&type=duckdb`);
      await page.getByLabel("Read from").selectOption({ label: "Parquet, CSV or JSON files" });
      await page.getByLabel(/^Files/).fill(secretsPath);
      await page.getByRole("button", { name: "Finish" }).click();
      await expect(page.getByText("absolute paths are not accepted")).toBeVisible();
      expectNoLeak(await page.content(), "the connection form");
    });
  });

  test("a PostgreSQL connection URL cannot make the server read its files or reach a local socket", async ({ page }) => {
    const { slug } = await signUpWithWorkspace(page, "sec-files-pg");
    const workspaceId = await workspaceIdOf(page, slug);
    const secretsPath = join(dataDir(), "secrets.json");
    // pg's own URL parser reads sslcert/sslkey/sslrootcert from disk and takes ?host= as a socket folder.
    const urls = [
      `postgres://u:p@db.example.com/app?sslkey=${encodeURIComponent(secretsPath)}`,
      `postgres://u:p@db.example.com/app?sslmode=require&sslcert=${secretsPath}`,
      `postgresql://u:p@db.example.com/app?SSLROOTCERT=/etc/passwd`,
      "postgres://postgres@db.example.com/postgres?host=/var/run/postgresql",
      "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/postgres",
      "postgres://postgres@db.example.com/app?options=-c%20default_transaction_read_only%3Doff",
    ];
    for (const url of urls) {
      for (const procedure of ["connection.test", "connection.create"]) {
        const reply = await trpc(page, procedure, { workspaceId, name: "Leaky warehouse", type: "postgres", config: { url } });
        expect(reply.status, `${procedure} ${url}`).toBe(400);
        expect(reply.text, url).toMatch(/The connection URL (may carry only sslmode|must name a network host, not a local socket)/);
        expectNoLeak(reply.text, `${procedure} ${url}`);
      }
    }
    const list = await trpc(page, "connection.list", { workspaceId });
    expect(list.text).not.toContain("Leaky warehouse");
  });

  test("a SQL model cannot read the secrets file, other files or change DuckDB's settings", async ({ page }) => {
    const { slug } = await signUpWithWorkspace(page, "sec-files-sql");
    const workspaceId = await workspaceIdOf(page, slug);
    expect((await upload(page, workspaceId, "people.csv", "id,name\n1,Ada\n2,Grace\n")).status).toBe(201);
    const created = await trpc(page, "connection.create", { workspaceId, name: "People", type: "duckdb", config: { mode: "files", files: "people.csv" } });
    expect(created.status).toBe(200);
    const connectionId = (JSON.parse(created.text) as { result: { data: { json: { id: string } } } }).result.data.json.id;
    const preview = (sql: string) => trpc(page, "connection.preview", { workspaceId, connectionId, model: { type: "sql", sql } });

    const legit = await preview("select name from files.data order by id");
    expect(legit.status).toBe(200);
    expect(legit.text).toContain("Grace");

    const secrets = join(dataDir(), "secrets.json");
    const own = join(fileSourcesDir(), workspaceId);
    for (const sql of [
      `select * from read_text('${secrets}')`,
      `select * from read_csv('${secrets}', header = false)`,
      `select * from read_json_auto('${secrets}')`,
      `select * from read_blob('${secrets}')`,
      `select * from read_text('${join(own, relative(own, secrets))}')`,
      `select * from read_text('${own}/../../${relative(fileSourcesDir(), secrets)}')`,
      `select * from glob('/**')`,
      `select * from glob('${dataDir()}/*')`,
      `select * from query('select * from read_text(''${secrets}'')')`,
      `attach '${secrets}' as s`,
      `copy (select 1) to '${join(own, "written.csv")}'`,
      `select 1) as model; copy (select 1) to '${join(own, "written.csv")}'; select * from (select 1`,
      "set enable_external_access = true",
      "set lock_configuration = false",
      "install httpfs",
      "load httpfs",
    ]) {
      const reply = await preview(sql);
      expect(reply.status, sql).toBe(400);
      expect(reply.text, sql).toMatch(/Permission Error|read-only|one statement|Only one statement|does not parse|disabled/);
    }
    expect(existsSync(join(own, "written.csv"))).toBe(false);
  });

  test("the upload route: same origin, members only, safe names, a size limit, no silent overwrite", async ({ page, browser, baseURL }) => {
    const { slug } = await signUpWithWorkspace(page, "sec-upload");
    const workspaceId = await workspaceIdOf(page, slug);
    const own = join(fileSourcesDir(), workspaceId);
    const url = `/api/workspaces/${workspaceId}/files`;

    await test.step("cross-site requests are refused, whatever the cookie says", async () => {
      const attempts: Record<string, string>[] = [{ origin: "http://evil.example" }, { origin: "http://evil.example", "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, {}];
      for (const headers of attempts) {
        const response = await page.request.post(`${url}?name=cross.csv`, { headers, data: "id\n1\n" });
        expect(response.status(), JSON.stringify(headers)).toBe(403);
        expect((await page.request.get(url, { headers })).status()).toBe(403);
      }
      expect(existsSync(join(own, "cross.csv"))).toBe(false);
    });

    await test.step("signed out: 401; another workspace's folder: 404", async () => {
      const anonymous = await browser.newContext();
      const response = await anonymous.request.post(`${baseURL}${url}?name=anon.csv`, { headers: { origin: baseURL!, "x-trpc-source": "e2e" }, data: "id\n1\n" });
      expect(response.status()).toBe(401);
      await anonymous.close();
      const strangerContext = await browser.newContext();
      const stranger = await strangerContext.newPage();
      const { slug: strangerSlug } = await signUpWithWorkspace(stranger, "sec-upload-stranger");
      expect(await workspaceIdOf(stranger, strangerSlug)).not.toBe(workspaceId);
      expect((await upload(stranger, workspaceId, "intruder.csv", "id\n1\n")).status).toBe(404);
      expect((await stranger.evaluate(async (u) => (await fetch(u, { headers: { "x-trpc-source": "e2e" } })).status, url))).toBe(404);
      expect((await stranger.evaluate(async (u) => (await fetch(`${u}?name=people.csv`, { method: "DELETE", headers: { "x-trpc-source": "e2e" } })).status, url))).toBe(404);
      await strangerContext.close();
      expect(existsSync(join(own, "intruder.csv"))).toBe(false);
    });

    await test.step("names: folders and leading dots are stripped, other extensions refused", async () => {
      const traversal = await upload(page, workspaceId, "../../../escape.csv", "id\n1\n");
      expect(traversal.status).toBe(201);
      expect(JSON.parse(traversal.text)).toMatchObject({ file: { name: "escape.csv" } });
      expect(existsSync(join(own, "escape.csv"))).toBe(true);
      expect(existsSync(join(fileSourcesDir(), "escape.csv"))).toBe(false);
      expect(JSON.parse((await upload(page, workspaceId, ".env.json", "{}")).text)).toMatchObject({ file: { name: "env.json" } });
      for (const name of ["run.sh", "payload.exe", "", "noext"]) {
        const reply = await upload(page, workspaceId, name, "x");
        expect(reply.status, name).toBe(400);
      }
    });

    await test.step("over FILE_UPLOAD_MAX_BYTES: 413, and nothing is left behind", async () => {
      const limit = Number(process.env.E2E_FILE_UPLOAD_MAX_BYTES);
      const before = readdirSync(own).sort();
      const reply = await upload(page, workspaceId, "big.csv", "x".repeat(limit + 1));
      expect(reply.status).toBe(413);
      expect(reply.text).toContain("upload limit");
      expect(readdirSync(own).sort()).toEqual(before);
    });

    await test.step("an existing name is a conflict unless the member asks to replace it", async () => {
      expect((await upload(page, workspaceId, "keep.csv", "id\n1\n")).status).toBe(201);
      const again = await upload(page, workspaceId, "keep.csv", "id\n2\n");
      expect(again.status).toBe(409);
      expect(readFileSync(join(own, "keep.csv"), "utf8")).toBe("id\n1\n");
      expect((await upload(page, workspaceId, "keep.csv", "id\n3\n", "&replace=1")).status).toBe(201);
      expect(readFileSync(join(own, "keep.csv"), "utf8")).toBe("id\n3\n");
    });

    await test.step("the list shows the files with size and date; delete removes one", async () => {
      const listed = await page.evaluate(async (u) => (await fetch(u, { headers: { "x-trpc-source": "e2e" } })).json(), url);
      expect(listed.files.map((f: { name: string }) => f.name).sort()).toEqual(["env.json", "escape.csv", "keep.csv"]);
      expect(listed.files.find((f: { name: string }) => f.name === "keep.csv")).toMatchObject({ size: 5, path: "keep.csv", modifiedAt: expect.any(String) });
      const status = await page.evaluate(async (u) => (await fetch(`${u}?name=escape.csv`, { method: "DELETE", headers: { "x-trpc-source": "e2e" } })).status, url);
      expect(status).toBe(204);
      expect(existsSync(join(own, "escape.csv"))).toBe(false);
      const traversal = await page.evaluate(async (u) => (await fetch(`${u}?name=${encodeURIComponent("../x.csv")}`, { method: "DELETE", headers: { "x-trpc-source": "e2e" } })).status, url);
      expect(traversal).toBe(400);
    });
  });

  test("files.upload: a member may upload, a viewer may not even list", async ({ page, browser }) => {
    const { slug } = await signUpWithWorkspace(page, "sec-upload-roles");
    const workspaceId = await workspaceIdOf(page, slug);
    for (const [role, expected] of [
      ["Member", { upload: 201, list: 200 }],
      ["Viewer", { upload: 403, list: 403 }],
    ] as const) {
      const email = uniqueEmail(`sec-upload-${role.toLowerCase()}`);
      const invitation = await inviteMember(page, slug, email, role);
      const context = await browser.newContext();
      const invitee = await context.newPage();
      await acceptInvitationAsNewUser(invitee, invitation, email);
      const name = `${role.toLowerCase()}.csv`;
      const reply = await upload(invitee, workspaceId, name, "id\n1\n");
      expect(reply.status, role).toBe(expected.upload);
      if (expected.upload === 403) expect(reply.text).toContain("files.upload");
      expect(await invitee.evaluate(async (u) => (await fetch(u, { headers: { "x-trpc-source": "e2e" } })).status, `/api/workspaces/${workspaceId}/files`), role).toBe(expected.list);
      expect(existsSync(join(fileSourcesDir(), workspaceId, name)), role).toBe(expected.upload === 201);
      await context.close();
    }
  });

  test("a member uploads a CSV in the connection form, creates a DuckDB files connection on it and sees its rows", async ({ page }, testInfo) => {
    const { slug } = await signUpWithWorkspace(page, "sec-upload-ui");
    const csv = testInfo.outputPath("signups.csv");
    writeFileSync(csv, "id,email,plan\n1,ada@example.com,pro\n2,grace@example.com,free\n");

    await page.goto(`/w/${slug}/connections/new?kind=source&type=duckdb`);
    const panel = page.getByRole("region", { name: "This workspace's files" });
    await expect(panel.getByText("No files yet")).toBeVisible();
    await page.getByLabel("Name", { exact: true }).fill("Signups CSV");
    await panel.locator('input[type="file"]').setInputFiles(csv);
    await expect(panel.getByText(/Uploaded signups\.csv \(61 B\)/)).toBeVisible();
    await expect(panel.getByRole("list", { name: "Uploaded files" })).toContainText("signups.csv");
    await expect(page.getByLabel(/^Files/)).toHaveValue("signups.csv");
    await expect(page.getByLabel("Read from")).toHaveValue("files");
    await page.getByRole("button", { name: "Test", exact: true }).click();
    await expect(page.getByTestId("test-result")).toHaveText("Connection succeeded. DuckDB read signups.csv as table files.data with 3 columns.");
    await captureScreen(page, "security-files-01-uploaded");

    await page.setViewportSize({ width: 390, height: 844 });
    await panel.scrollIntoViewIfNeeded();
    const box = await panel.boundingBox();
    expect(box && box.width <= 390).toBe(true);
    await captureScreen(page, "security-files-02-uploaded-390");
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL(/\/connections\/(?!new)[^/?]+$/);
    await expect(page.getByRole("heading", { name: "Signups CSV", exact: true, level: 1 })).toBeVisible();
    await page.getByRole("list", { name: "Tables in files" }).getByRole("button", { name: "data", exact: true }).click();
    const preview = page.getByRole("table", { name: "Preview of files.data" });
    await expect(preview).toContainText("grace@example.com");
    await expect(preview.locator("tbody tr")).toHaveCount(2);
    expectNoLeak(await page.content(), "the connection page");
  });
});

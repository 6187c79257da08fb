/**
 * The web-facing attacks of issue 8, performed against `next start` the way an attacker would:
 * another origin (a tiny server on 127.0.0.1, which is a different site from localhost) drives a
 * signed-in user's browser to the API; a viewer calls the source-querying procedures directly; huge
 * unauthenticated bodies are streamed at every body-reading route; and the response headers are read.
 * "Nothing ran" is checked on the source database itself: the preview's SQL sleeps, so while it runs it
 * is visible in pg_stat_activity.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { createPostgresDatabase } from "../server/testing/databases";
import { acceptInvitationAsNewUser, inviteMember, signUpWithWorkspace, TEST_PASSWORD, uniqueEmail } from "./fixtures/session";
import { addPostgresSource, captureScreen } from "./fixtures/sync-flows";
import { callProcedure, type TrpcResponse } from "./fixtures/trpc";

const APP = process.env.E2E_BASE_URL!;
const MARKER = `attack_${randomBytes(4).toString("hex")}`;
// Sleeps so that, had it run, it would be seen running on the database.
const ATTACK_SQL = `select pg_sleep(1.5) as slept, '${MARKER}' as tag`;


let source: Awaited<ReturnType<typeof createPostgresDatabase>>;
let attacker: Server;
let attackerOrigin: string;
/** Pages the attacker serves, set per test. */
const attackerPages = new Map<string, string>();

test.beforeAll(async () => {
  source = await createPostgresDatabase("e2e_security_web");
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  await client.query("CREATE TABLE public.customers (id integer PRIMARY KEY, email text NOT NULL); INSERT INTO public.customers VALUES (1, 'ada@example.com');");
  await client.end();
  attacker = createServer((req, res) => {
    const html = attackerPages.get(new URL(req.url ?? "/", "http://x").pathname);
    res.writeHead(html ? 200 : 404, { "content-type": "text/html" }).end(html ?? "not found");
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker?.close(resolve));
  await source?.drop();
});

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
}

async function workspaceIdOf(page: Page, slug: string): Promise<string> {
  const ws = await callProcedure(page, "workspace.bySlug", { slug });
  return (ws.body.result!.data!.json as { id: string }).id;
}

/** Counts, until `work` is done and a moment after, the backends on the source running the marked SQL. */
async function watchSourceQueries<T>(work: () => Promise<T>): Promise<{ seen: number; result: T }> {
  const client = new pg.Client({ connectionString: source.url });
  await client.connect();
  let seen = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where pid <> pg_backend_pid() and query like '%' || $1 || '%'", [MARKER]);
      seen = Math.max(seen, rows[0]!.n);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const result = await work();
    await new Promise((r) => setTimeout(r, 2_000));
    return { seen, result };
  } finally {
    done = true;
    await poll;
    await client.end();
  }
}

/** The next-server process answering on the app's port, found by its listening socket. */
function appServerRss(): number {
  const port = new URL(APP).port;
  const listing = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(listing)?.[1];
  if (!pid) throw new Error(`No process found listening on port ${port}: ${listing}`);
  return Number(execFileSync("ps", ["-o", "rss=", "-p", pid], { encoding: "utf8" }).trim()) * 1024;
}

/**
 * Streams `totalBytes` at `path` (chunked, or with a declared Content-Length) and resolves with the status
 * as soon as the server answers, without waiting to send it all.
 */
function streamBody(path: string, totalBytes: number, options: { declareLength: boolean; headers?: Record<string, string> }): Promise<{ status: number; ms: number; sent: number; body: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const url = new URL(path, APP);
    const req = httpRequest(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(options.declareLength ? { "content-length": String(totalBytes) } : {}), ...options.headers },
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, ms: Date.now() - started, sent, body });
        req.destroy();
      });
    });
    // Once the server has answered it may close the socket mid-upload; that is the point.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    pump();
  });
}

async function newSignedInViewer(browser: Browser, admin: Page, slug: string) {
  const email = uniqueEmail("viewer");
  const link = await inviteMember(admin, slug, email, "Viewer");
  const context = await browser.newContext();
  const page = await context.newPage();
  await acceptInvitationAsNewUser(page, link, email);
  return { context, page };
}

test("another site cannot make a signed-in browser call the API", async ({ page }) => {
  const { email: victimEmail, slug } = await signUpWithWorkspace(page, "csrf");
  const workspaceId = await workspaceIdOf(page, slug);
  await addPostgresSource(page, slug, "Warehouse", source.url);
  const connectionId = new URL(page.url()).pathname.split("/").pop()!;
  const previewInput = { workspaceId, connectionId, model: { type: "sql", sql: ATTACK_SQL } };
  const previewUrl = `${APP}/api/trpc/connection.preview?input=${encodeURIComponent(JSON.stringify({ json: previewInput }))}`;

  await test.step("a cross-site navigation to a query URL is refused and runs nothing", async () => {
    attackerPages.set("/navigate", `<script>location.href = ${JSON.stringify(previewUrl)};</script>`);
    const { seen, result: response } = await watchSourceQueries(async () => {
      const landed = page.waitForResponse((r) => r.url().startsWith(`${APP}/api/trpc/connection.preview`));
      await page.goto(`${attackerOrigin}/navigate`);
      return landed;
    });
    expect(response.status()).toBe(403);
    expect(((await response.json()) as TrpcResponse["body"]).error?.json?.message).toContain("came from another site");
    expect(seen).toBe(0);
  });

  await test.step("a cross-site form post (a query, and a mutation) is refused and changes nothing", async () => {
    const form = (path: string, input: unknown) => {
      // text/plain forms send `name=value`: the name carries JSON, the value closes it.
      const json = JSON.stringify({ json: input });
      return `<form method="POST" enctype="text/plain" action="${APP}/api/trpc/${path}"><input type="hidden" name="${escapeHtml(`${json.slice(0, -1)},"x":"`)}" value="&quot;}"></form><script>document.forms[0].submit();</script>`;
    };
    attackerPages.set("/form-preview", form("connection.preview", previewInput));
    attackerPages.set("/form-rename", form("workspace.rename", { workspaceId, name: "Pwned" }));
    const { seen, result: statuses } = await watchSourceQueries(async () => {
      const out: number[] = [];
      for (const [path, target] of [["/form-preview", "connection.preview"], ["/form-rename", "workspace.rename"]] as const) {
        const landed = page.waitForResponse((r) => r.url().startsWith(`${APP}/api/trpc/${target}`) && r.request().method() === "POST");
        await page.goto(`${attackerOrigin}${path}`);
        out.push((await landed).status());
      }
      return out;
    });
    expect(statuses).toEqual([403, 403]);
    expect(seen).toBe(0);
    const ws = await callProcedure(page, "workspace.get", { workspaceId });
    expect((ws.body.result!.data!.json as { name: string }).name).toBe("csrf workspace");
  });

  await test.step("a cross-site fetch with credentials fails, with or without CORS", async () => {
    attackerPages.set("/fetch", "<p>attacker</p>");
    await page.goto(`${attackerOrigin}/fetch`);
    const { seen, result } = await watchSourceQueries(async () => {
      const noCorsAnswer = page.waitForResponse((r) => r.url().startsWith(`${APP}/api/trpc/connection.preview`) && r.request().method() === "POST");
      const outcome = await page.evaluate(
        async ({ app, body }) => {
          const withHeader = await fetch(`${app}/api/trpc/connection.preview`, { method: "POST", credentials: "include", headers: { "content-type": "application/json", "x-trpc-source": "evil" }, body }).then(
            (r) => `answered ${r.status}`,
            (e: unknown) => `failed: ${String(e)}`,
          );
          // A "simple" request needs no preflight: it is sent, and the server must refuse it.
          const simple = await fetch(`${app}/api/trpc/connection.preview`, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body }).then(
            (r) => r.type,
            (e: unknown) => `failed: ${String(e)}`,
          );
          return { withHeader, simple };
        },
        { app: APP, body: JSON.stringify({ json: previewInput }) },
      );
      return { outcome, simpleStatus: (await noCorsAnswer).status() };
    });
    expect(result.outcome.withHeader).toMatch(/^failed: TypeError/);
    expect(result.outcome.simple).toBe("opaque");
    expect(result.simpleStatus).toBe(403);
    expect(seen).toBe(0);
  });

  await test.step("the app's own page runs the same preview (so the checks above could see it)", async () => {
    await page.goto(`/w/${slug}/connections/${connectionId}`);
    const { seen, result } = await watchSourceQueries(() =>
      page.evaluate(
        async ({ body }) => {
          const r = await fetch("/api/trpc/connection.preview", { method: "POST", headers: { "content-type": "application/json", "x-trpc-source": "tidewater-web" }, body });
          return r.status;
        },
        { body: JSON.stringify({ json: previewInput }) },
      ),
    );
    expect(result).toBe(200);
    expect(seen).toBeGreaterThan(0);
  });

  await test.step("GET is not answered even from the app's own origin", async () => {
    const response = await page.request.get(previewUrl, { headers: { "x-trpc-source": "e2e" } });
    expect(response.status()).toBe(405);
  });

  await test.step("sign-out needs next-auth's CSRF token: a cross-site post leaves the session", async () => {
    attackerPages.set("/signout", `<form method="POST" action="${APP}/api/auth/signout"><input type="hidden" name="callbackUrl" value="/"></form><script>document.forms[0].submit();</script>`);
    const landed = page.waitForResponse((r) => r.url().startsWith(`${APP}/api/auth/signout`) && r.request().method() === "POST");
    await page.goto(`${attackerOrigin}/signout`);
    await landed;
    const session = await page.request.get("/api/auth/session");
    expect(((await session.json()) as { user?: { email?: string } }).user?.email).toBe(victimEmail);
  });

  await test.step("sign-in needs it too: a cross-site post cannot switch the victim into the attacker's account", async () => {
    const attackerEmail = uniqueEmail("attacker");
    const created = await page.context().request.fetch(`${APP}/api/trpc/auth.signUp`, { method: "POST", data: { json: { email: attackerEmail, password: TEST_PASSWORD } }, headers: { "x-trpc-source": "e2e" } });
    expect(created.status()).toBe(200);
    attackerPages.set(
      "/signin",
      `<form method="POST" action="${APP}/api/auth/callback/credentials"><input type="hidden" name="email" value="${attackerEmail}"><input type="hidden" name="password" value="${TEST_PASSWORD}"><input type="hidden" name="json" value="true"></form><script>document.forms[0].submit();</script>`,
    );
    const landed = page.waitForResponse((r) => r.url().startsWith(`${APP}/api/auth/callback/credentials`) && r.request().method() === "POST");
    await page.goto(`${attackerOrigin}/signin`);
    await landed;
    const session = await page.request.get("/api/auth/session");
    expect(((await session.json()) as { user?: { email?: string } }).user?.email).toBe(victimEmail);
  });
});

test("a viewer cannot run queries on a source, and the page says why", async ({ page, browser }) => {
  const { slug } = await signUpWithWorkspace(page, "viewer-sql");
  const workspaceId = await workspaceIdOf(page, slug);
  await addPostgresSource(page, slug, "Warehouse", source.url);
  const connectionId = new URL(page.url()).pathname.split("/").pop()!;
  const viewer = await newSignedInViewer(browser, page, slug);

  const model = { type: "sql", sql: ATTACK_SQL };
  const calls: [string, unknown][] = [
    ["connection.discover", { workspaceId, connectionId }],
    ["connection.preview", { workspaceId, connectionId, model }],
    ["connection.columns", { workspaceId, connectionId, model }],
    ["sync.suggestMappings", { workspaceId, sourceId: connectionId, destinationId: connectionId, model, object: "profile" }],
  ];
  const { seen, result } = await watchSourceQueries(async () => Promise.all(calls.map(([path, input]) => callProcedure(viewer.page, path, input))));
  for (const [index, call] of result.entries()) {
    expect(call.status, calls[index]![0]).toBe(403);
    expect(call.body.error?.json?.data?.code).toBe("FORBIDDEN");
    expect(call.body.error?.json?.message).toContain("models.query");
  }
  expect(seen).toBe(0);

  await viewer.page.goto(`/w/${slug}/connections/${connectionId}`);
  await expect(viewer.page.getByText("Browsing tables and previewing queries runs SQL on this source, which your role (viewer) cannot do.")).toBeVisible();
  await expect(viewer.page.getByRole("tab", { name: "SQL query" })).toHaveCount(0);
  await expect(viewer.page.getByText("The database refused")).toHaveCount(0);
  await captureScreen(viewer.page, "security-viewer-source");
  await viewer.page.setViewportSize({ width: 390, height: 844 });
  await captureScreen(viewer.page, "security-viewer-source-390");
  await viewer.context.close();
});

test("huge bodies are refused with 413 before they are read, and memory stays flat", async ({ request }) => {
  const total = 50 * 1024 * 1024;
  const targets = [
    ["/api/trpc/auth.signUp", { "x-trpc-source": "e2e" }],
    ["/api/trpc/connection.preview", { "x-trpc-source": "e2e" }],
    ["/api/v1/connections", {}],
    ["/api/auth/callback/credentials", {}],
  ] as const;
  const before = appServerRss();
  for (const declareLength of [false, true]) {
    const results = await Promise.all(targets.map(([path, headers]) => streamBody(path, total, { declareLength, headers })));
    for (const [index, result] of results.entries()) {
      const what = `${targets[index]![0]} (${declareLength ? "Content-Length" : "chunked"})`;
      expect(result.status, what).toBe(413);
      expect(result.body, what).toContain("larger than the 1 MB");
      expect(result.sent, what).toBeLessThan(total);
      expect(result.ms, what).toBeLessThan(10_000);
    }
  }
  const health = Date.now();
  expect((await request.get("/api/health")).ok()).toBe(true);
  expect(Date.now() - health).toBeLessThan(2_000);
  const after = appServerRss();
  const grown = after - before;
  test.info().annotations.push({ type: "rss", description: `next-server RSS ${Math.round(before / 2 ** 20)} MB before, ${Math.round(after / 2 ** 20)} MB after eight 50 MB posts` });
  console.log(test.info().annotations.at(-1)!.description);
  // Eight 50 MB bodies went by; buffering even one would show.
  expect(grown).toBeLessThan(40 * 1024 * 1024);

  // A body within the limit still works: a sign-up with a wrong password policy answers 400, not 413.
  const small = await request.post("/api/trpc/auth.signUp", { data: { json: { email: uniqueEmail("small"), password: "short" } }, headers: { "x-trpc-source": "e2e" } });
  expect(small.status()).toBe(400);
});

test("responses carry the security headers, and pages run under the CSP", async ({ page, request }) => {
  const signIn = await request.get("/sign-in");
  const headers = signIn.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers["strict-transport-security"]).toBeUndefined();
  const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"]!)![1]!;
  const html = await signIn.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  const again = (await request.get("/sign-in")).headers()["content-security-policy"];
  expect(again).not.toContain(nonce);

  const api = (await request.get("/api/health")).headers();
  expect(api["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(api["x-frame-options"]).toBe("DENY");
  expect(api["x-content-type-options"]).toBe("nosniff");

  for (const path of ["/sign-in", "/api/health"]) {
    const https = (await request.get(path, { headers: { "x-forwarded-proto": "https" } })).headers();
    expect(https["strict-transport-security"], path).toMatch(/^max-age=\d{7,}/);
  }

  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  const { slug } = await signUpWithWorkspace(page, "csp");
  for (const path of [`/w/${slug}`, `/w/${slug}/connections`, `/w/${slug}/syncs`, `/w/${slug}/members`, `/w/${slug}/settings`]) {
    await page.goto(path);
    await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
  }
  // Hydrated: client-side navigation works.
  await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Connections" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/connections$`));
  expect(violations).toEqual([]);

  attackerPages.set("/frame", `<iframe title="victim" src="${APP}/sign-in" width="400" height="300"></iframe>`);
  await page.goto(`${attackerOrigin}/frame`);
  await expect.poll(() => violations.some((v) => v.includes("frame-ancestors"))).toBe(true);
  await expect(page.frameLocator('iframe[title="victim"]').getByRole("button", { name: "Sign in" })).toHaveCount(0);
});

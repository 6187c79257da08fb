/**
 * Sign-in attacks over HTTP against `next start`: a parallel password-guessing storm (throttled
 * atomically, bcrypt bounded, the owner still gets in from elsewhere), open redirects through
 * callbackUrl, and the invitation and API token lifecycle on the admin pages.
 *
 * Raw requests use node:http so they can choose their source address: 127.0.0.1 plays the attacker and
 * 127.0.0.2 the account's owner (Linux answers the whole 127/8 on loopback). The server runs without
 * TRUST_PROXY, so the attacker's forged X-Forwarded-For headers must not give it fresh addresses.
 */
import http from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { createWorkspace, inviteMember, signUp, TEST_PASSWORD, uniqueEmail } from "./fixtures/session";

const BASE = new URL(process.env.E2E_BASE_URL ?? "http://localhost:3100");
const ATTACKER = "127.0.0.1";
const OWNER = "127.0.0.2";

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: string; ms: number };

function send(options: { method?: "GET" | "POST"; path: string; from: string; headers?: Record<string, string>; body?: string }): Promise<Raw> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: BASE.port,
        localAddress: options.from,
        method: options.method ?? "GET",
        path: options.path,
        agent: false,
        headers: { host: BASE.host, origin: BASE.origin, ...options.headers, ...(options.body ? { "content-length": String(Buffer.byteLength(options.body)) } : {}) },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, ms: performance.now() - started }));
      },
    );
    request.on("error", reject);
    if (options.body) request.write(options.body);
    request.end();
  });
}

/** next-auth's double-submit CSRF pair for one client. */
async function csrfFor(from: string): Promise<{ token: string; cookie: string }> {
  const response = await send({ path: "/api/auth/csrf", from });
  const cookie = ([] as string[]).concat(response.headers["set-cookie"] ?? []).find((c) => c.startsWith("next-auth.csrf-token="));
  expect(cookie, "csrf cookie").toBeTruthy();
  return { token: (JSON.parse(response.body) as { csrfToken: string }).csrfToken, cookie: cookie!.split(";")[0]! };
}

/** POSTs email and password to the credentials callback, as the sign-in form does; returns where next-auth sends the browser. */
async function postCredentials(p: { from: string; email: string; password: string; callbackUrl?: string; forwardedFor?: string; csrf: { token: string; cookie: string } }) {
  const body = new URLSearchParams({ email: p.email, password: p.password, csrfToken: p.csrf.token, callbackUrl: p.callbackUrl ?? "/", json: "true" }).toString();
  const response = await send({
    method: "POST",
    path: "/api/auth/callback/credentials",
    from: p.from,
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: p.csrf.cookie,
      ...(p.forwardedFor ? { "x-forwarded-for": p.forwardedFor } : {}),
    },
  });
  const url = new URL((JSON.parse(response.body) as { url: string }).url, BASE);
  const signedIn = ([] as string[]).concat(response.headers["set-cookie"] ?? []).some((c) => c.startsWith("next-auth.session-token="));
  return { url, error: url.searchParams.get("error"), signedIn };
}

test("thirty parallel guesses: five are checked, the server stays responsive, the owner still signs in", async ({ page }) => {
  const email = uniqueEmail("storm");
  await signUp(page, email);
  await page.context().clearCookies();

  const csrf = await csrfFor(ATTACKER);
  // A server in service is warm: one ordinary failed sign-in first loads the sign-in code and starts the hashing workers.
  await postCredentials({ from: OWNER, email: uniqueEmail("warm-up"), password: "Not-the-password-1", csrf: await csrfFor(OWNER) });
  const baseline: number[] = [];
  for (let i = 0; i < 5; i++) baseline.push((await send({ path: "/api/health", from: OWNER })).ms);
  let storming = true;
  const healthTimes: number[] = [];
  const health = (async () => {
    while (storming) {
      const response = await send({ path: "/api/health", from: OWNER });
      expect(response.status).toBe(200);
      healthTimes.push(response.ms);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = performance.now();
  // Each guess forges a different X-Forwarded-For; without TRUST_PROXY they all count as one address.
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => postCredentials({ from: ATTACKER, email, password: `Wrong-guess-${i}`, csrf, forwardedFor: `198.51.100.${i + 1}` })),
  );
  const stormMs = performance.now() - started;
  storming = false;
  await health;

  const wrong = results.filter((r) => r.error === "Wrong email or password.");
  const throttled = results.filter((r) => r.error?.startsWith("Too many failed sign-in attempts for this email. Try again in "));
  expect(wrong).toHaveLength(5);
  expect(throttled).toHaveLength(25);
  expect(results.some((r) => r.signedIn)).toBe(false);

  const slowest = Math.max(...healthTimes);
  console.log(
    `storm of 30 guesses took ${Math.round(stormMs)} ms; /api/health before: ${baseline.map(Math.round).join(", ")} ms; during (${healthTimes.length}): ${healthTimes.map(Math.round).join(", ")} ms`,
  );
  expect(healthTimes.length).toBeGreaterThan(0);
  expect(slowest).toBeLessThan(3000);

  // The owner, from another address, signs in during the lock; the attacker's address, even with the right password, waits.
  const owner = await postCredentials({ from: OWNER, email, password: TEST_PASSWORD, callbackUrl: "/onboarding", csrf: await csrfFor(OWNER) });
  expect(owner.error).toBeNull();
  expect(owner.signedIn).toBe(true);
  expect(owner.url.pathname).toBe("/onboarding");
  const attacker = await postCredentials({ from: ATTACKER, email, password: TEST_PASSWORD, csrf, forwardedFor: "192.0.2.77" });
  expect(attacker.error).toMatch(/^Too many failed sign-in attempts for this email\. Try again in \d+ seconds\.$/);
  expect(attacker.signedIn).toBe(false);
});

const HOSTILE_CALLBACKS = [
  "/%5Cevil.example",
  "/%09/evil.example",
  "//evil.example",
  "https://evil.example",
  "\\\\evil.example",
  "/\\evil.example",
  "javascript:alert(document.domain)",
  "http://localhost.evil.com",
  `${BASE.protocol}//${BASE.host}.evil.com/`,
  `${BASE.protocol}//${BASE.host}@evil.example/`,
  "/%2F%2Fevil.example",
];

async function expectOnWorkspaceList(page: Page, slug: string) {
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in") && !url.pathname.startsWith("/sign-up"));
  const url = new URL(page.url());
  expect(url.origin).toBe(BASE.origin);
  await expect(page).toHaveURL(new RegExp(`^${BASE.origin}/w/${slug}$`));
}

/**
 * Leaves the app before dropping the cookies: a session request still in flight from the page would
 * otherwise set the session cookie again after it was cleared.
 */
async function signOutCompletely(page: Page) {
  await page.goto("about:blank");
  await page.context().clearCookies();
}

test("sign-in never leaves the site, whatever callbackUrl says", async ({ page }) => {
  const email = uniqueEmail("redirect");
  await signUp(page, email);
  const slug = await createWorkspace(page, "Redirects");

  for (const callbackUrl of HOSTILE_CALLBACKS) {
    await test.step(callbackUrl, async () => {
      await signOutCompletely(page);
      await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(TEST_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expectOnWorkspaceList(page, slug);
      // Already signed in, the sign-in page redirects on the server with the same rule.
      await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await expectOnWorkspaceList(page, slug);
    });
  }

  // An on-site target is kept.
  await signOutCompletely(page);
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(`/w/${slug}/settings`)}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${BASE.origin}/w/${slug}/settings`);

  // next-auth's own redirect (the credentials callback's answer) follows the rule too.
  for (const callbackUrl of ["https://evil.example/phish", "//evil.example", "/\\evil.example"]) {
    const result = await postCredentials({ from: OWNER, email, password: TEST_PASSWORD, callbackUrl, csrf: await csrfFor(OWNER) });
    expect(result.signedIn).toBe(true);
    expect(result.url.origin).toBe(BASE.origin);
    expect(result.url.pathname).toBe("/");
  }
});

test("the sign-in page never prints text a link put in ?error=", async ({ page }) => {
  for (const injected of ["Your account is locked. Call +1 555 0100 to unlock it.", "<b>Session expired</b>: re-enter your card", "CredentialsSignin%0AVisit evil.example"]) {
    await page.goto(`/sign-in?error=${encodeURIComponent(injected)}`);
    await expect(page.getByLabel("Email")).toBeVisible();
    const text = await page.locator("body").innerText();
    expect(text).not.toContain("555 0100");
    expect(text).not.toContain("re-enter your card");
    expect(text).not.toContain("evil.example");
  }
  // A code we know gets our own sentence.
  await page.goto("/sign-in?error=EmailNotVerified");
  await expect(page.locator("body")).toContainText("Your email is not verified with this provider.");
});

test("sign-up never leaves the site either", async ({ page }) => {
  await page.goto(`/sign-up?callbackUrl=${encodeURIComponent("/%5Cevil.example")}`);
  await page.getByLabel("Email").fill(uniqueEmail("redirect-signup"));
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-up"));
  expect(new URL(page.url()).origin).toBe(BASE.origin);
  await expect(page).toHaveURL(`${BASE.origin}/onboarding`);
});

test("an admin copies, re-issues and revokes invitation links", async ({ page, browser, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE.origin });
  await signUp(page, uniqueEmail("inv-admin"));
  const slug = await createWorkspace(page, "Invitations");
  const invitee = uniqueEmail("invitee");
  const firstUrl = await inviteMember(page, slug, invitee, "Member");
  await page.getByRole("button", { name: "Copy" }).first().click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstUrl);

  // A new link replaces the old one.
  const row = page.getByTestId(`invitation-${invitee}`);
  await row.getByRole("button", { name: `New link for ${invitee}` }).click();
  const secondUrl = (await page.getByTestId("reissued-invitation-url").textContent())!.trim();
  expect(secondUrl).toContain("/invite/");
  expect(secondUrl).not.toBe(firstUrl);
  // Shown once: after a reload only the list remains.
  await page.reload();
  await expect(page.getByTestId(`invitation-${invitee}`)).toBeVisible();
  await expect(page.getByTestId("reissued-invitation-url")).toHaveCount(0);
  await row.getByRole("button", { name: `New link for ${invitee}` }).click();
  const thirdUrl = (await page.getByTestId("reissued-invitation-url").textContent())!.trim();
  await page.screenshot({ path: "test-results/security-auth-members.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 900 });
  await page.screenshot({ path: "test-results/security-auth-members-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  const other = await browser.newContext();
  const visitor = await other.newPage();
  await visitor.goto(new URL(firstUrl).pathname);
  await expect(visitor.getByText("This invitation link is not valid")).toBeVisible();
  await visitor.goto(new URL(secondUrl).pathname);
  await expect(visitor.getByText("This invitation link is not valid")).toBeVisible();
  await visitor.goto(new URL(thirdUrl).pathname);
  await expect(visitor.getByRole("link", { name: "Create an account to accept" })).toBeVisible();

  // Revoking asks in the page first; Cancel keeps the invitation.
  await page.getByRole("button", { name: `Revoke the invitation for ${invitee}` }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke this invitation?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`invitation-${invitee}`)).toBeVisible();
  await page.getByRole("button", { name: `Revoke the invitation for ${invitee}` }).click();
  await dialog.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByTestId(`invitation-${invitee}`)).toHaveCount(0);
  await visitor.goto(new URL(thirdUrl).pathname);
  await expect(visitor.getByText("This invitation link is not valid")).toBeVisible();
  await other.close();
});

test("API tokens get an expiry, a Copy button and an in-page revoke", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE.origin });
  await signUp(page, uniqueEmail("tokens"));
  const slug = await createWorkspace(page, "Tokens");
  await page.goto(`/w/${slug}/settings`);
  await page.getByLabel("Token name").fill("dbt nightly");
  await page.getByLabel("Expires after").selectOption({ label: "30 days" });
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("api-token-value").textContent())!.trim();
  await expect(page.getByText(/It expires on /)).toBeVisible();
  await page.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  const in30Days = new Date(Date.now() + 30 * 24 * 3600_000).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric" });
  await expect(page.getByTestId("api-token-dbt nightly")).toContainText(`expires ${in30Days}`);

  await page.getByLabel("Token name").fill("forever");
  await page.getByLabel("Expires after").selectOption({ label: "Never" });
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("api-token-forever")).toContainText("never expires");
  await page.setViewportSize({ width: 390, height: 900 });
  await page.screenshot({ path: "test-results/security-auth-tokens-390.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  const response = await page.request.get("/api/v1/syncs", { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).toBe(200);

  await page.getByRole("button", { name: "Revoke dbt nightly" }).click();
  await page.getByRole("dialog", { name: "Revoke dbt nightly?" }).getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByTestId("api-token-dbt nightly")).toHaveCount(0);
  const after = await page.request.get("/api/v1/syncs", { headers: { authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});

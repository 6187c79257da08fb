import { expect, test, type Page } from "@playwright/test";
import { acceptInvitationAsNewUser, createWorkspace, inviteMember, signIn, signUp, TEST_PASSWORD, uniqueEmail } from "./fixtures/session";
import { callProcedure } from "./fixtures/trpc";

/** The page's own alert (Next.js adds an empty route announcer with the same role). */
function formAlert(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}

test("sign-up explains what is wrong", async ({ page }) => {
  const email = uniqueEmail("signup");
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.").first()).toBeVisible();

  await signUp(page, email);
  await page.context().clearCookies();
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists. Sign in instead.")).toBeVisible();
});

test("wrong passwords are refused, then slowed down", async ({ page }) => {
  const email = uniqueEmail("throttle");
  await signUp(page, email);
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  for (let attempt = 1; attempt <= 6; attempt++) {
    await page.getByLabel("Password").fill(`Wrong-password-${attempt}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    if (attempt < 6) await expect(formAlert(page)).toHaveText("Wrong email or password.");
  }
  await expect(formAlert(page)).toContainText("Too many failed sign-in attempts for this email. Try again in");
  // Even the right password waits until the lock ends.
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(formAlert(page)).toContainText("Too many failed sign-in attempts");
});

test("an admin invites a viewer, who joins and cannot use admin actions", async ({ page, browser }) => {
  const adminEmail = uniqueEmail("admin");
  await signUp(page, adminEmail, { name: "Ada Admin" });
  const slug = await createWorkspace(page, "Growth Team");
  await expect(page).toHaveURL(new RegExp(`/w/${slug}$`));

  // Every section of the shell is reachable.
  for (const label of ["Connections", "Syncs", "Members", "Settings", "Overview"]) {
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: label }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  await page.goto(`/w/${slug}/settings`);
  await expect(page.getByTestId("runtime-database")).toContainText("Embedded PostgreSQL (PGlite)");
  await expect(page.getByTestId("runtime-job-runner")).toContainText("In-process runner");

  const viewerEmail = uniqueEmail("viewer");
  const invitationUrl = await inviteMember(page, slug, viewerEmail, "Viewer");
  await expect(page.getByText(viewerEmail, { exact: true })).toBeVisible();

  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await acceptInvitationAsNewUser(viewer, invitationUrl, viewerEmail);
  await expect(viewer).toHaveURL(new RegExp(`/w/${slug}$`));

  // The admin sees the new member with the invited role.
  await page.goto(`/w/${slug}/members`);
  await expect(page.getByLabel(`Role of ${viewerEmail}`)).toHaveValue("VIEWER");

  // The viewer sees no admin actions…
  await viewer.goto(`/w/${slug}/members`);
  await expect(viewer.getByTestId(`member-${adminEmail}`)).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Create invitation" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(viewer.getByLabel(`Role of ${adminEmail}`)).toHaveCount(0);
  await viewer.goto(`/w/${slug}/settings`);
  await expect(viewer.getByRole("heading", { name: "API tokens" })).toHaveCount(0);
  await expect(viewer.getByRole("heading", { name: "Audit log" })).toHaveCount(0);

  // …and calling them anyway is refused without changing anything.
  const ws = await callProcedure(viewer, "workspace.bySlug", { slug });
  const workspaceId = (ws.body as unknown as { result: { data: { json: { id: string } } } }).result.data.json.id;
  const invite = await callProcedure(viewer, "invitation.create", { workspaceId, email: uniqueEmail("sneaky"), role: "ADMIN" });
  expect(invite.status).toBe(403);
  expect(invite.body.error?.json?.message).toContain("cannot do this");
  const token = await callProcedure(viewer, "apiToken.create", { workspaceId, name: "sneaky" });
  expect(token.status).toBe(403);
  await page.goto(`/w/${slug}/members`);
  await expect(page.getByRole("heading", { name: "Pending invitations" })).toBeVisible();
  await expect(page.getByText("No pending invitations. Invite a teammate above.")).toBeVisible();
  await expect(page.getByText("sneaky")).toHaveCount(0);

  // A signed-in stranger gets a 404 for the workspace, not a hint that it exists.
  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  await signUp(stranger, uniqueEmail("stranger"));
  const response = await stranger.goto(`/w/${slug}/members`);
  expect(response?.status()).toBe(404);
  const strangerCall = await callProcedure(stranger, "member.list", { workspaceId });
  expect(strangerCall.status).toBe(404);

  // The last admin cannot be demoted.
  await page.getByLabel(`Role of ${adminEmail}`).selectOption("VIEWER");
  await expect(formAlert(page)).toContainText("The last admin cannot be demoted");

  // Removing the viewer asks in the page, not in a browser prompt; Cancel keeps them.
  await page.getByTestId(`member-${viewerEmail}`).getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog", { name: `Remove ${viewerEmail}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`member-${viewerEmail}`)).toBeVisible();
  await page.getByTestId(`member-${viewerEmail}`).getByRole("button", { name: "Remove" }).click();
  await dialog.getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByTestId(`member-${viewerEmail}`)).toHaveCount(0);
  expect((await viewer.goto(`/w/${slug}/members`))?.status()).toBe(404);

  await viewerContext.close();
  await strangerContext.close();
});

test("signing in again lands in the workspace", async ({ page }) => {
  const email = uniqueEmail("return");
  await signUp(page, email);
  const slug = await createWorkspace(page, "Returning");
  await page.context().clearCookies();
  await signIn(page, email);
  await expect(page).toHaveURL(new RegExp(`/w/${slug}$`));
});

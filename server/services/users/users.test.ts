import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { ensureOauthUser } from "./ensure-oauth-user";
import { describeWeakPassword } from "./password-policy";
import { signUpUser } from "./sign-up-user";
import { verifyCredentials } from "./verify-credentials";

// Opening PGlite and migrating it is the slow part; do it outside the tests' own time limit.
beforeAll(() => getDb());
afterAll(() => closeDb());

describe("password policy", () => {
  it("explains weak passwords", () => {
    expect(describeWeakPassword("short")).toMatch(/at least 10/);
    expect(describeWeakPassword("alllowercaseletters")).toMatch(/Mix/);
    expect(describeWeakPassword("Maryanne-2024", "maryanne@example.com")).toMatch(/email name/);
    expect(describeWeakPassword("Correct-Horse-42")).toBeNull();
  });
});

describe("accounts", () => {
  it("signs up, refuses a second account for the email, and checks passwords", async () => {
    const user = await signUpUser({ email: " Ann@Example.com ", password: "Correct-Horse-42" });
    expect(user.email).toBe("ann@example.com");
    await expect(signUpUser({ email: "ann@example.com", password: "Correct-Horse-42" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(verifyCredentials({ email: "ANN@example.com", password: "Correct-Horse-42", clientIp: "192.0.2.1" })).resolves.toMatchObject({ id: user.id });
    await expect(verifyCredentials({ email: "ann@example.com", password: "nope", clientIp: "192.0.2.1" })).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password." });
  });

  it("slows down repeated failures for one email and lets the right password in after the lock", async () => {
    await signUpUser({ email: "bob@example.com", password: "Correct-Horse-42" });
    const start = new Date("2026-01-01T00:00:00Z");
    for (let i = 0; i < 6; i++) {
      await expect(verifyCredentials({ email: "bob@example.com", password: `bad-${i}`, clientIp: "192.0.2.1", now: start })).rejects.toMatchObject({ code: expect.stringMatching(/UNAUTHORIZED|TOO_MANY_REQUESTS/) });
    }
    const locked = await verifyCredentials({ email: "bob@example.com", password: "Correct-Horse-42", clientIp: "192.0.2.1", now: new Date(start.getTime() + 1000) }).catch((e: AppError) => e);
    expect(locked).toBeInstanceOf(AppError);
    expect((locked as AppError).code).toBe("TOO_MANY_REQUESTS");
    expect((locked as AppError).message).toMatch(/Try again in \d+ seconds/);
    await expect(verifyCredentials({ email: "bob@example.com", password: "Correct-Horse-42", clientIp: "192.0.2.1", now: new Date(start.getTime() + 60_000) })).resolves.toMatchObject({ email: "bob@example.com" });
  });
});

describe("OAuth sign-in", () => {
  it("links to the existing account only for an email the provider verified", async () => {
    const user = await signUpUser({ email: "carol@example.com", password: "Correct-Horse-42" });
    await expect(ensureOauthUser({ email: "Carol@example.com", name: "Mallory", emailVerified: false })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Your email is not verified with this provider. Verify it there, then sign in again.",
    });
    await expect(ensureOauthUser({ email: "someone-new@example.com", emailVerified: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(ensureOauthUser({ email: "Carol@example.com", name: "Carol", emailVerified: true })).resolves.toMatchObject({ id: user.id });
  });
});

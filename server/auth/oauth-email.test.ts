import { describe, expect, it } from "vitest";
import { pickGithubEmail, verifiedOauthEmail } from "./oauth-email";

describe("pickGithubEmail", () => {
  it("returns the primary email only when GitHub has verified it", () => {
    expect(pickGithubEmail([{ email: "ada@example.com", primary: true, verified: true }])).toBe("ada@example.com");
    expect(pickGithubEmail([{ email: "ada@example.com", primary: true, verified: false }])).toBeNull();
    // A verified secondary address is not the account's address.
    expect(
      pickGithubEmail([
        { email: "victim@example.com", primary: true, verified: false },
        { email: "ada@example.com", primary: false, verified: true },
      ]),
    ).toBeNull();
    expect(pickGithubEmail([])).toBeNull();
  });
});

describe("verifiedOauthEmail", () => {
  it("trusts Google's email only with email_verified true", () => {
    expect(verifiedOauthEmail("google", { email: "ada@example.com", email_verified: true })).toBe("ada@example.com");
    expect(verifiedOauthEmail("google", { email: "ada@example.com", email_verified: false })).toBeNull();
    expect(verifiedOauthEmail("google", { email: "ada@example.com", email_verified: "true" })).toBeNull();
    expect(verifiedOauthEmail("google", { email: "ada@example.com" })).toBeNull();
  });

  it("trusts GitHub's email only when our userinfo found it verified", () => {
    expect(verifiedOauthEmail("github", { email: "ada@example.com", email_verified: true })).toBe("ada@example.com");
    expect(verifiedOauthEmail("github", { email: "ada@example.com" })).toBeNull();
    expect(verifiedOauthEmail("github", { email: undefined, email_verified: false })).toBeNull();
  });

  it("trusts no other provider and no missing profile", () => {
    expect(verifiedOauthEmail("gitlab", { email: "ada@example.com", email_verified: true })).toBeNull();
    expect(verifiedOauthEmail("google", undefined)).toBeNull();
  });
});

/**
 * Which email an OAuth provider vouches for. Sign-in through GitHub or Google links to the account with
 * the same email, so the email must be one the provider says its user has verified; otherwise anyone
 * could add someone else's address to a GitHub account and sign in as them.
 */
export type GithubEmail = { email: string; primary: boolean; verified: boolean };

/** GitHub's primary email if it is verified, else null (a secondary verified email is not the account's address). */
export function pickGithubEmail(emails: GithubEmail[]): string | null {
  const primary = emails.find((e) => e.primary);
  return primary?.verified ? primary.email : null;
}

/** The verified email from a provider's profile (as our GitHub userinfo and Google's ID token give it), or null. */
export function verifiedOauthEmail(provider: string, profile: Record<string, unknown> | undefined): string | null {
  const email = typeof profile?.email === "string" && profile.email.includes("@") ? profile.email : null;
  if (!email) return null;
  if (provider === "google" || provider === "github") return profile?.email_verified === true ? email : null;
  return null;
}

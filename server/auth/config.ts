/**
 * next-auth configuration: email + password, plus GitHub and Google when their env vars are set.
 * Sessions are JWTs carrying the user id; memberships are always read from the database.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { env } from "~/env.js";
import { safeCallbackPath } from "~/server/lib/callback-url";
import { getClientAddress } from "~/server/lib/client-address";
import { AppError } from "~/server/lib/errors";
import { pickGithubEmail, verifiedOauthEmail, type GithubEmail } from "./oauth-email";
import { EMAIL_NOT_VERIFIED } from "./sign-in-error";
import { ensureOauthUser } from "~/server/services/users/ensure-oauth-user";
import { verifyCredentials } from "~/server/services/users/verify-credentials";

export function oauthProviderIds(): ("github" | "google")[] {
  const ids: ("github" | "google")[] = [];
  if (env.GITHUB_ID && env.GITHUB_SECRET) ids.push("github");
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) ids.push("google");
  return ids;
}

export const authOptions: NextAuthOptions = {
  secret: env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) throw new Error("Enter your email and password.");
        try {
          // next-auth hands authorize only the request headers; see client-address.ts for why they can be trusted.
          const clientIp = getClientAddress(req.headers ?? {}, env.TRUST_PROXY);
          return await verifyCredentials({ email: credentials.email, password: credentials.password, clientIp });
        } catch (error) {
          // next-auth passes the message to the sign-in page as `error`.
          if (error instanceof AppError) throw new Error(error.message);
          throw error;
        }
      },
    }),
    ...(env.GITHUB_ID && env.GITHUB_SECRET
      ? [
          GitHubProvider({
            clientId: env.GITHUB_ID,
            clientSecret: env.GITHUB_SECRET,
            // GitHub's public profile email says nothing about verification; its email list does.
            userinfo: {
              url: "https://api.github.com/user",
              async request({ client, tokens }) {
                const profile = await client.userinfo(tokens.access_token!);
                const response = await fetch("https://api.github.com/user/emails", {
                  headers: { Authorization: `token ${tokens.access_token}`, Accept: "application/vnd.github+json" },
                });
                const email = response.ok ? pickGithubEmail((await response.json()) as GithubEmail[]) : null;
                return { ...profile, email: email ?? undefined, email_verified: email !== null };
              },
            },
          }),
        ]
      : []),
    ...(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
      ? [GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET })]
      : []),
  ],
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider === "credentials") return true;
      if (account && verifiedOauthEmail(account.provider, profile as Record<string, unknown> | undefined)) return true;
      return `/sign-in?error=${EMAIL_NOT_VERIFIED}`;
    },
    async jwt({ token, user, account, profile }) {
      if (user && account) {
        const email = account.provider === "credentials" ? null : verifiedOauthEmail(account.provider, profile as Record<string, unknown> | undefined);
        const dbUser = account.provider === "credentials" ? user : await ensureOauthUser({ email: email ?? user.email ?? "", name: user.name, emailVerified: email !== null });
        token.sub = dbUser.id;
        token.email = dbUser.email;
        token.name = dbUser.name ?? null;
      }
      return token;
    },
    // Every redirect next-auth makes (callbackUrl included) goes through the one same-origin rule.
    redirect({ url, baseUrl }) {
      const origin = new URL(baseUrl).origin;
      return `${origin}${safeCallbackPath(url, origin)}`;
    },
    async session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};

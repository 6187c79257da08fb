/**
 * next-auth configuration: email + password, plus GitHub and Google when their env vars are set.
 * Sessions are JWTs carrying the user id; memberships are always read from the database.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { env } from "~/env.js";
import { AppError } from "~/server/lib/errors";
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
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) throw new Error("Enter your email and password.");
        try {
          return await verifyCredentials({ email: credentials.email, password: credentials.password });
        } catch (error) {
          // next-auth passes the message to the sign-in page as `error`.
          if (error instanceof AppError) throw new Error(error.message);
          throw error;
        }
      },
    }),
    ...(env.GITHUB_ID && env.GITHUB_SECRET ? [GitHubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET })] : []),
    ...(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
      ? [GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET })]
      : []),
  ],
  callbacks: {
    async signIn({ user, account }) {
      if (account?.provider === "credentials") return true;
      return Boolean(user.email);
    },
    async jwt({ token, user, account }) {
      if (user && account) {
        const dbUser = account.provider === "credentials" ? user : await ensureOauthUser({ email: user.email!, name: user.name });
        token.sub = dbUser.id;
        token.email = dbUser.email;
        token.name = dbUser.name ?? null;
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};

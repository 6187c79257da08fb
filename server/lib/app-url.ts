import { env } from "~/env.js";

/** The URL people reach the app at: NEXTAUTH_URL when set, else the request's own origin. */
export function getAppUrl(req?: Request): string {
  if (env.NEXTAUTH_URL) return env.NEXTAUTH_URL.replace(/\/$/, "");
  return req ? new URL(req.url).origin : "http://localhost:3000";
}

/**
 * The Inngest client. v4 defaults to cloud mode (signature checks, api.inngest.com); INNGEST_DEV switches
 * to a dev server (it may hold that server's URL). Self-hosted Inngest: INNGEST_DEV=0 plus
 * INNGEST_BASE_URL and both keys.
 */
import { Inngest } from "inngest";
import { env } from "~/env.js";

function readDevMode(value: string | undefined): { isDev: boolean; devUrl?: string } {
  if (value === undefined || value === "0" || value.toLowerCase() === "false") return { isDev: false };
  return { isDev: true, devUrl: /^https?:\/\//.test(value) ? value : undefined };
}

const dev = readDevMode(env.INNGEST_DEV);

export const inngest = new Inngest({
  id: "tidewater",
  isDev: dev.isDev,
  eventKey: env.INNGEST_EVENT_KEY,
  signingKey: env.INNGEST_SIGNING_KEY,
  baseUrl: env.INNGEST_BASE_URL ?? dev.devUrl,
});

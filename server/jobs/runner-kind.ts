import { env } from "~/env.js";

/** Inngest when it is configured (keys, or INNGEST_DEV for a self-hosted dev server); otherwise in-process. */
export function getJobRunnerKind(): "inngest" | "in-process" {
  return env.INNGEST_EVENT_KEY || env.INNGEST_SIGNING_KEY || env.INNGEST_DEV ? "inngest" : "in-process";
}

import { cleanupOldRunData } from "~/server/sync/engine";
import { inngest } from "../client";

/** Daily: step logs and record errors are kept 14 days. */
export const cleanupRunData = inngest.createFunction(
  { id: "cleanup-run-data", name: "Delete old run logs and record errors", triggers: [{ cron: "TZ=UTC 17 3 * * *" }], retries: 2 },
  async ({ step }) => step.run("delete-old-rows", () => cleanupOldRunData()),
);

import { env } from "~/env.js";
import { getDatabaseKind } from "~/server/db/client";
import { getJobRunnerKind } from "~/server/jobs/dispatch-run";

/** What the Settings page tells admins about where data lives and how syncs run. */
export function describeRuntime() {
  const kind = getDatabaseKind();
  const host = env.DATABASE_URL ? new URL(env.DATABASE_URL).host : null;
  const runner = getJobRunnerKind();
  return {
    database: {
      kind,
      description: kind === "embedded" ? "Embedded PostgreSQL (PGlite), stored in the server's data folder" : `PostgreSQL at ${host}`,
    },
    jobRunner: {
      kind: runner,
      description:
        runner === "inngest"
          ? "Inngest: runs are executed step by step by Inngest, which calls this app at /api/inngest"
          : "In-process runner: this server claims queued runs from the database and checks schedules every minute",
    },
  };
}

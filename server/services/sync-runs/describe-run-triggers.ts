import { getDb } from "~/server/db/client";
import type { RunTrigger } from "~/server/db/generated/client";

/** Who or what started a run, as the run page and the runs table name it. */
export type RunTriggeredBy =
  | { kind: "user"; name: string | null }
  | { kind: "schedule"; name: null }
  | { kind: "api_token"; name: string | null }
  /** An API-triggered run from before tokens were recorded, or a manual run with no user (scripts, tests). */
  | { kind: "unknown"; name: null };

type TriggerFields = { trigger: RunTrigger; requestedById: string | null; apiTokenId: string | null };

/**
 * Resolves the user and API-token names of many runs in two queries (one per kind), never one per run.
 * Tokens are looked up in the workspace only; a revoked token keeps its name, a deleted user shows as null.
 */
export async function describeRunTriggers<T extends TriggerFields>(workspaceId: string, runs: T[]): Promise<Map<T, RunTriggeredBy>> {
  const userIds = [...new Set(runs.flatMap((r) => (r.requestedById ? [r.requestedById] : [])))];
  const tokenIds = [...new Set(runs.flatMap((r) => (r.apiTokenId ? [r.apiTokenId] : [])))];
  const db = await getDb();
  const [users, tokens] = await Promise.all([
    userIds.length ? db.user.findMany({ where: { id: { in: userIds }, memberships: { some: { workspaceId } } }, select: { id: true, name: true, email: true } }) : [],
    tokenIds.length ? db.apiToken.findMany({ where: { id: { in: tokenIds }, workspaceId }, select: { id: true, name: true } }) : [],
  ]);
  const userNames = new Map(users.map((u) => [u.id, u.name?.trim() || u.email]));
  const tokenNames = new Map(tokens.map((t) => [t.id, t.name]));
  return new Map(
    runs.map((run): [T, RunTriggeredBy] => {
      if (run.trigger === "SCHEDULE") return [run, { kind: "schedule", name: null }];
      if (run.apiTokenId) return [run, { kind: "api_token", name: tokenNames.get(run.apiTokenId) ?? null }];
      if (run.requestedById) return [run, { kind: "user", name: userNames.get(run.requestedById) ?? null }];
      return [run, { kind: "unknown", name: null }];
    }),
  );
}

/** API token lifetimes, through the service and a real REST route handler, on PGlite. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as syncsRoute from "~/app/api/v1/syncs/route";
import { closeDb, getDb } from "~/server/db/client";
import { bootstrapWorkspace } from "~/server/services/workspaces/bootstrap-workspace";
import { authenticateApiToken } from "./authenticate-api-token";
import { createApiToken } from "./create-api-token";
import { listApiTokens } from "./list-api-tokens";

// Opening PGlite and migrating it is the slow part; do it outside the tests' own time limit.
beforeAll(() => getDb());
afterAll(() => closeDb());

const actor = { label: "test" };

async function listSyncs(token: string) {
  const response = await syncsRoute.GET(new Request("http://localhost/api/v1/syncs", { headers: { authorization: `Bearer ${token}` } }), {
    params: Promise.resolve({}),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

describe("API token expiry", () => {
  it("works until its expiry, then answers 401 saying when it expired", async () => {
    const { workspaceId, apiToken: bootstrapToken } = await bootstrapWorkspace({ email: "tokens@example.com", password: "Correct-Horse-42", workspaceName: "Tokens" });
    // The CLI's bootstrap token never expires.
    expect((await listApiTokens({ workspaceId }))[0]).toMatchObject({ expiresAt: null, expired: false });
    expect((await listSyncs(bootstrapToken)).status).toBe(200);

    const created = new Date("2026-01-01T09:30:00Z");
    const { token, expiresAt } = await createApiToken({ workspaceId, name: "ci", expiresInDays: 30, actor, now: created });
    expect(expiresAt?.toISOString()).toBe("2026-01-31T09:30:00.000Z");
    await expect(authenticateApiToken({ token, now: new Date("2026-01-31T09:29:59Z") })).resolves.toMatchObject({ workspaceId });
    await expect(authenticateApiToken({ token, now: new Date("2026-01-31T09:30:00Z") })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "This API token expired on 2026-01-31 09:30 UTC. Create a new one on the workspace's Settings page.",
    });
    // Over HTTP through the REST handler (the real clock is past 2026-01-31 for this token).
    const db = await getDb();
    const response = await listSyncs(token);
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual({ code: "UNAUTHORIZED", message: "This API token expired on 2026-01-31 09:30 UTC. Create a new one on the workspace's Settings page.", details: {} });
    // The list shows it as expired rather than hiding it.
    expect((await listApiTokens({ workspaceId })).find((t) => t.name === "ci")).toMatchObject({ expired: true });
    // A refused token is not marked as used: lastUsedAt is still the last accepted call.
    expect((await db.apiToken.findFirstOrThrow({ where: { workspaceId, name: "ci" } })).lastUsedAt).toEqual(new Date("2026-01-31T09:29:59Z"));
  });

  it("refuses a lifetime out of range with a field error and creates nothing", async () => {
    const { workspaceId } = await bootstrapWorkspace({ email: "tokens2@example.com", password: "Correct-Horse-42", workspaceName: "Tokens 2" });
    for (const days of [0, -5, 1.5, 5000]) {
      await expect(createApiToken({ workspaceId, name: "bad", expiresInDays: days, actor })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        details: { fieldErrors: { expiresInDays: "Use 1 to 3650 days, or never." } },
      });
    }
    expect((await listApiTokens({ workspaceId })).map((t) => t.name)).not.toContain("bad");
  });
});

/** Invitation links: shown once, never logged, revocable and re-issuable (the old link dies). */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "~/env.js";
import { closeDb, getDb } from "~/server/db/client";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { bootstrapWorkspace } from "~/server/services/workspaces/bootstrap-workspace";
import { acceptInvitation } from "./accept-invitation";
import { createInvitation } from "./create-invitation";
import { getInvitationByToken } from "./get-invitation-by-token";
import { listInvitations } from "./list-invitations";
import { reissueInvitation } from "./reissue-invitation";
import { revokeInvitation } from "./revoke-invitation";

// Opening PGlite and migrating it is the slow part; do it outside the tests' own time limit.
beforeAll(() => getDb());
afterAll(() => closeDb());
afterEach(() => vi.restoreAllMocks());

const actor = { label: "admin" };
const appUrl = "http://localhost:3000";
const tokenOf = (url: string) => url.split("/invite/")[1]!;

describe("invitations", () => {
  it("never writes the link or its token to the logs", async () => {
    const level = env.LOG_LEVEL;
    env.LOG_LEVEL = "debug";
    const lines: string[] = [];
    for (const stream of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    try {
      const { workspaceId } = await bootstrapWorkspace({ email: "inv-admin@example.com", password: "Correct-Horse-42", workspaceName: "Invites" });
      const created = await createInvitation({ workspaceId, email: "new@example.com", role: "MEMBER", invitedById: "usr_x", actor, appUrl });
      const reissued = await reissueInvitation({ workspaceId, invitationId: created.id, actor, appUrl });
      for (const url of [created.url, reissued.url]) {
        expect(lines.join("\n")).not.toContain(tokenOf(url));
      }
    } finally {
      env.LOG_LEVEL = level;
    }
  });

  it("re-issues a new link that replaces the old one, and revokes", async () => {
    const { workspaceId } = await bootstrapWorkspace({ email: "inv-admin2@example.com", password: "Correct-Horse-42", workspaceName: "Invites 2" });
    const created = await createInvitation({ workspaceId, email: "Joiner@example.com", role: "VIEWER", invitedById: "usr_x", actor, appUrl });
    const reissued = await reissueInvitation({ workspaceId, invitationId: created.id, actor, appUrl });
    expect(reissued).toMatchObject({ id: created.id, email: "joiner@example.com", role: "VIEWER" });
    expect(tokenOf(reissued.url)).not.toBe(tokenOf(created.url));
    expect(await getInvitationByToken({ token: tokenOf(created.url) })).toBeNull();
    expect(await getInvitationByToken({ token: tokenOf(reissued.url) })).toMatchObject({ status: "pending" });
    expect(await listInvitations({ workspaceId })).toHaveLength(1);

    const joiner = await signUpUser({ email: "joiner@example.com", password: "Correct-Horse-42" });
    await expect(acceptInvitation({ token: tokenOf(created.url), userId: joiner.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(reissueInvitation({ workspaceId: "ws_other", invitationId: created.id, actor, appUrl })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await revokeInvitation({ workspaceId, invitationId: created.id, actor });
    expect(await getInvitationByToken({ token: tokenOf(reissued.url) })).toMatchObject({ status: "revoked" });
    await expect(acceptInvitation({ token: tokenOf(reissued.url), userId: joiner.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(reissueInvitation({ workspaceId, invitationId: created.id, actor, appUrl })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await listInvitations({ workspaceId })).toHaveLength(0);
  });
});

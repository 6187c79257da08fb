import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "~/server/db/client";
import { acceptInvitation } from "~/server/services/invitations/accept-invitation";
import { createInvitation } from "~/server/services/invitations/create-invitation";
import { getInvitationByToken } from "~/server/services/invitations/get-invitation-by-token";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { changeMemberRole } from "./change-member-role";
import { listMembers } from "./list-members";
import { removeMember } from "./remove-member";

let admin: { id: string; email: string };
let workspace: { id: string; slug: string };
const actor = () => ({ userId: admin.id, label: admin.email });

beforeAll(async () => {
  admin = await signUpUser({ email: "owner@example.com", password: "Correct-Horse-42" });
  workspace = await createWorkspace({ userId: admin.id, name: "Team Rocket", actor: actor() });
});
afterAll(() => closeDb());

describe("members and invitations", () => {
  it("makes the creator the admin and keeps the last admin", async () => {
    const members = await listMembers({ workspaceId: workspace.id });
    expect(members).toEqual([expect.objectContaining({ email: "owner@example.com", role: "ADMIN" })]);
    await expect(changeMemberRole({ workspaceId: workspace.id, membershipId: members[0]!.id, role: "MEMBER", actor: actor() })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(removeMember({ workspaceId: workspace.id, membershipId: members[0]!.id, actor: actor() })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("invites by link, checks the email, and accepts once", async () => {
    const invitation = await createInvitation({ workspaceId: workspace.id, email: "New@Example.com", role: "VIEWER", invitedById: admin.id, actor: actor(), appUrl: "http://localhost:3000" });
    const token = invitation.url.split("/invite/")[1]!;
    expect(invitation.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect(await getInvitationByToken({ token })).toMatchObject({ status: "pending", workspaceName: "Team Rocket", email: "new@example.com" });
    // The raw token is never stored.
    const db = await getDb();
    expect(JSON.stringify(await db.invitation.findMany())).not.toContain(token);

    const stranger = await signUpUser({ email: "other@example.com", password: "Correct-Horse-42" });
    await expect(acceptInvitation({ token, userId: stranger.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const invitee = await signUpUser({ email: "new@example.com", password: "Correct-Horse-42" });
    await expect(acceptInvitation({ token, userId: invitee.id })).resolves.toMatchObject({ workspaceSlug: workspace.slug });
    await expect(acceptInvitation({ token, userId: invitee.id })).rejects.toMatchObject({ code: "CONFLICT" });
    const members = await listMembers({ workspaceId: workspace.id });
    expect(members.find((m) => m.email === "new@example.com")?.role).toBe("VIEWER");
  });

  it("refuses expired invitations", async () => {
    const invitation = await createInvitation({ workspaceId: workspace.id, email: "late@example.com", role: "MEMBER", invitedById: admin.id, actor: actor(), appUrl: "http://x" });
    const db = await getDb();
    await db.invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = await signUpUser({ email: "late@example.com", password: "Correct-Horse-42" });
    await expect(acceptInvitation({ token: invitation.url.split("/invite/")[1]!, userId: late.id })).rejects.toMatchObject({ message: expect.stringMatching(/expired/) });
  });
});

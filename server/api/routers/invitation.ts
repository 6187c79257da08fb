import { z } from "zod";
import { createTRPCRouter, protectedProcedure, publicProcedure, workspaceProcedure } from "~/server/api/trpc";
import { acceptInvitation } from "~/server/services/invitations/accept-invitation";
import { createInvitation } from "~/server/services/invitations/create-invitation";
import { getInvitationByToken } from "~/server/services/invitations/get-invitation-by-token";
import { listInvitations } from "~/server/services/invitations/list-invitations";
import { reissueInvitation } from "~/server/services/invitations/reissue-invitation";
import { revokeInvitation } from "~/server/services/invitations/revoke-invitation";

const ZRole = z.enum(["ADMIN", "MEMBER", "VIEWER"]);

export const invitationRouter = createTRPCRouter({
  list: workspaceProcedure
    .meta({ permission: "members.read" })
    .output(z.array(z.object({ id: z.string(), email: z.string(), role: ZRole, expiresAt: z.date(), createdAt: z.date(), expired: z.boolean() })))
    .query(({ ctx }) => listInvitations({ workspaceId: ctx.workspace.id })),
  create: workspaceProcedure
    .meta({ permission: "members.manage" })
    .input(z.object({ email: z.email("Enter a valid email address."), role: ZRole }))
    .output(z.object({ id: z.string(), email: z.string(), role: ZRole, expiresAt: z.date(), url: z.string() }))
    .mutation(({ ctx, input }) =>
      createInvitation({ workspaceId: ctx.workspace.id, email: input.email, role: input.role, invitedById: ctx.user.id, actor: ctx.actor, appUrl: ctx.appUrl }),
    ),
  reissue: workspaceProcedure
    .meta({ permission: "members.manage" })
    .input(z.object({ invitationId: z.string() }))
    .output(z.object({ id: z.string(), email: z.string(), role: ZRole, expiresAt: z.date(), url: z.string() }))
    .mutation(({ ctx, input }) => reissueInvitation({ workspaceId: ctx.workspace.id, invitationId: input.invitationId, actor: ctx.actor, appUrl: ctx.appUrl })),
  revoke: workspaceProcedure
    .meta({ permission: "members.manage" })
    .input(z.object({ invitationId: z.string() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => revokeInvitation({ workspaceId: ctx.workspace.id, invitationId: input.invitationId, actor: ctx.actor })),
  byToken: publicProcedure
    .input(z.object({ token: z.string() }))
    .output(
      z
        .object({ email: z.string(), role: ZRole, expiresAt: z.date(), workspaceName: z.string(), workspaceSlug: z.string(), status: z.enum(["pending", "accepted", "expired", "revoked"]) })
        .nullable(),
    )
    .query(({ input }) => getInvitationByToken({ token: input.token })),
  accept: protectedProcedure
    .input(z.object({ token: z.string() }))
    .output(z.object({ workspaceSlug: z.string(), workspaceName: z.string() }))
    .mutation(({ ctx, input }) => acceptInvitation({ token: input.token, userId: ctx.user.id })),
});

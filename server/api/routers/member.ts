import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { changeMemberRole } from "~/server/services/members/change-member-role";
import { listMembers } from "~/server/services/members/list-members";
import { removeMember } from "~/server/services/members/remove-member";

const ZRole = z.enum(["ADMIN", "MEMBER", "VIEWER"]);

export const memberRouter = createTRPCRouter({
  list: workspaceProcedure
    .meta({ permission: "members.read" })
    .output(z.array(z.object({ id: z.string(), role: ZRole, joinedAt: z.date(), userId: z.string(), email: z.string(), name: z.string().nullable() })))
    .query(({ ctx }) => listMembers({ workspaceId: ctx.workspace.id })),
  changeRole: workspaceProcedure
    .meta({ permission: "members.manage" })
    .input(z.object({ membershipId: z.string(), role: ZRole }))
    .output(z.object({ id: z.string(), role: ZRole }))
    .mutation(({ ctx, input }) => changeMemberRole({ workspaceId: ctx.workspace.id, membershipId: input.membershipId, role: input.role, actor: ctx.actor })),
  remove: workspaceProcedure
    .meta({ permission: "members.manage" })
    .input(z.object({ membershipId: z.string() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => removeMember({ workspaceId: ctx.workspace.id, membershipId: input.membershipId, actor: ctx.actor })),
});

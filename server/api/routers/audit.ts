import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { listAuditEntries } from "~/server/services/audit/list-audit-entries";

export const auditRouter = createTRPCRouter({
  list: workspaceProcedure
    .meta({ permission: "audit.read" })
    .output(
      z.array(z.object({ id: z.string(), actorLabel: z.string(), action: z.string(), targetType: z.string(), targetName: z.string().nullable(), details: z.unknown(), createdAt: z.date() })),
    )
    .query(({ ctx }) => listAuditEntries({ workspaceId: ctx.workspace.id })),
});

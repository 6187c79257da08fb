import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { createApiToken } from "~/server/services/api-tokens/create-api-token";
import { listApiTokens } from "~/server/services/api-tokens/list-api-tokens";
import { revokeApiToken } from "~/server/services/api-tokens/revoke-api-token";

export const apiTokenRouter = createTRPCRouter({
  list: workspaceProcedure
    .meta({ permission: "apiTokens.manage" })
    .output(
      z.array(
        z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable(), expiresAt: z.date().nullable(), expired: z.boolean() }),
      ),
    )
    .query(({ ctx }) => listApiTokens({ workspaceId: ctx.workspace.id })),
  create: workspaceProcedure
    .meta({ permission: "apiTokens.manage" })
    // null: never expires. The service explains an out-of-range lifetime.
    .input(z.object({ name: z.string(), expiresInDays: z.number().nullable().default(null) }))
    .output(z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.date(), expiresAt: z.date().nullable(), token: z.string() }))
    .mutation(({ ctx, input }) =>
      createApiToken({ workspaceId: ctx.workspace.id, name: input.name, expiresInDays: input.expiresInDays, createdById: ctx.user.id, actor: ctx.actor }),
    ),
  revoke: workspaceProcedure
    .meta({ permission: "apiTokens.manage" })
    .input(z.object({ tokenId: z.string() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => revokeApiToken({ workspaceId: ctx.workspace.id, tokenId: input.tokenId, actor: ctx.actor })),
});

import { z } from "zod";
import { createTRPCRouter, workspaceProcedure } from "~/server/api/trpc";
import { addAlertChannel } from "~/server/services/alerts/add-alert-channel";
import { getAlertSettings } from "~/server/services/alerts/get-alert-settings";
import { listAlertDeliveries } from "~/server/services/alerts/list-alert-deliveries";
import { removeAlertChannel } from "~/server/services/alerts/remove-alert-channel";
import { updateAlertRules } from "~/server/services/alerts/update-alert-rules";

const ZChannelKind = z.enum(["EMAIL", "SLACK", "WEBHOOK"]);
/** Null: the workspace default. */
const ZScope = z.object({ syncId: z.string().min(1).nullable() });

const ZSettings = z.object({
  inherits: z.boolean(),
  rules: z.object({ onFailure: z.boolean(), onRecovery: z.boolean(), onWarning: z.boolean(), problemRowsPercent: z.number().nullable() }),
  channels: z.array(z.object({ id: z.string(), kind: ZChannelKind, label: z.string(), createdAt: z.date() })),
});

export const alertRouter = createTRPCRouter({
  settings: workspaceProcedure
    .meta({ permission: "alerts.read" })
    .input(ZScope)
    .output(ZSettings)
    .query(({ ctx, input }) => getAlertSettings({ workspaceId: ctx.workspace.id, syncId: input.syncId })),
  updateRules: workspaceProcedure
    .meta({ permission: "alerts.write" })
    .input(
      ZScope.extend({
        inherit: z.boolean().optional(),
        rules: z.object({ onFailure: z.boolean(), onRecovery: z.boolean(), onWarning: z.boolean(), problemRowsPercent: z.number().nullable() }).partial().optional(),
      }),
    )
    .output(ZSettings)
    .mutation(({ ctx, input }) => updateAlertRules({ workspaceId: ctx.workspace.id, syncId: input.syncId, inherit: input.inherit, rules: input.rules, actor: ctx.actor })),
  addChannel: workspaceProcedure
    .meta({ permission: "alerts.write" })
    .input(ZScope.extend({ kind: ZChannelKind, target: z.string().max(2000) }))
    .output(z.object({ channel: z.object({ id: z.string(), kind: ZChannelKind, label: z.string(), createdAt: z.date() }), signingSecret: z.string().nullable() }))
    .mutation(({ ctx, input }) => addAlertChannel({ workspaceId: ctx.workspace.id, syncId: input.syncId, kind: input.kind, target: input.target, actor: ctx.actor })),
  removeChannel: workspaceProcedure
    .meta({ permission: "alerts.write" })
    .input(z.object({ channelId: z.string().min(1) }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => removeAlertChannel({ workspaceId: ctx.workspace.id, channelId: input.channelId, actor: ctx.actor })),
  deliveries: workspaceProcedure
    .meta({ permission: "alerts.read" })
    .input(z.object({ syncId: z.string().min(1), limit: z.number().int().min(1).max(100).default(20) }))
    .output(
      z.array(
        z.object({
          id: z.string(),
          runId: z.string(),
          event: z.enum(["FAILURE", "RECOVERY", "THRESHOLD", "WARNING"]),
          channelKind: ZChannelKind,
          target: z.string(),
          outcome: z.enum(["SENT", "LOGGED", "FAILED"]),
          error: z.string().nullable(),
          createdAt: z.date(),
        }),
      ),
    )
    .query(({ ctx, input }) => listAlertDeliveries({ workspaceId: ctx.workspace.id, syncId: input.syncId, limit: input.limit })),
});

import { z } from "zod";
import { CONNECTORS } from "~/server/connectors/registry";
import type { ConnectionView } from "~/server/services/connections/connection-view";
import { toIso, ZTimestamp } from "./common";

const ZConnectionName = z.string().trim().min(1).max(100).meta({ description: "Unique within the workspace." });

const connectorIds = CONNECTORS.map((c) => c.id);

/**
 * `POST /api/v1/connections`: one variant per connector, with the connector's own config schema (the one
 * the service validates with), so the document lists every type's fields.
 */
export const ZCreateConnectionBody = z
  .discriminatedUnion(
    "type",
    CONNECTORS.map((c) =>
      z
        .object({
          name: ZConnectionName,
          type: z.literal(c.id),
          config: c.configSchema.meta({ description: `${c.label} settings. Secret fields are write-only.` }),
        })
        .meta({ title: `${c.label} connection` }),
    ) as unknown as [z.ZodObject<{ name: typeof ZConnectionName; type: z.ZodLiteral<string>; config: z.ZodType<Record<string, unknown>> }>],
    { error: (issue) => (issue.code === "invalid_union" ? `type must be one of: ${connectorIds.join(", ")}` : undefined) },
  )
  .meta({ id: "CreateConnection" });

export const ZUpdateConnectionBody = z
  .object({
    name: ZConnectionName.optional(),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Changed fields only. A secret field left out keeps its stored value; a string replaces it. The result is validated against the type's config schema. Changing a field marked `x-endpoint` (host, port, URL, account, region, TLS mode) never sends the stored secrets to the new endpoint: send them again in the same request (null removes an optional one), otherwise the answer is 400 naming each secret to enter again and nothing changes." }),
  })
  .meta({ id: "UpdateConnection" });

export const ZConnection = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string().meta({ description: `Connector id: ${connectorIds.join(", ")}.` }),
    kind: z.enum(["source", "destination"]),
    status: z.object({
      ok: z.boolean().nullable().meta({ description: "Result of the last saved-settings test; null when not tested since the last change." }),
      message: z.string().nullable(),
      testedAt: ZTimestamp.nullable(),
    }),
    config: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: "The settings; every secret field reads as `{ \"set\": true|false }`, never its value." }),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({ id: "Connection" });

export const ZConnectionList = z.object({ data: z.array(ZConnection) }).meta({ id: "ConnectionList" });

export const ZConnectionTestResult = z
  .object({
    ok: z.boolean(),
    message: z.string().meta({ description: "What the connector checked, or why it failed." }),
    warning: z
      .string()
      .optional()
      .meta({ description: "Present when the connection works but is riskier than needed, e.g. a source user that may write; says how to fix it." }),
  })
  .meta({ id: "ConnectionTestResult" });

export function toPublicConnection(view: ConnectionView): z.input<typeof ZConnection> {
  return {
    id: view.id,
    name: view.name,
    type: view.type,
    kind: view.kind,
    status: { ok: view.status.ok, message: view.status.message, testedAt: toIso(view.status.testedAt) },
    config: view.config,
    createdAt: toIso(view.createdAt),
    updatedAt: toIso(view.updatedAt),
  };
}

import { createConnection } from "~/server/services/connections/create-connection";
import { deleteConnection } from "~/server/services/connections/delete-connection";
import { getConnection } from "~/server/services/connections/get-connection";
import { listConnections } from "~/server/services/connections/list-connections";
import { testConnection } from "~/server/services/connections/test-connection";
import { updateConnection } from "~/server/services/connections/update-connection";
import { hasPermission } from "~/server/services/workspaces/permissions";
import { defineOperation } from "../operation";
import { ZDeleted, ZIdParams } from "../schemas/common";
import {
  toPublicConnection,
  ZConnection,
  ZConnectionList,
  ZConnectionTestResult,
  ZCreateConnectionBody,
  ZUpdateConnectionBody,
} from "../schemas/connections";

export const listConnectionsOperation = defineOperation({
  operationId: "listConnections",
  method: "GET",
  path: "/api/v1/connections",
  tag: "Connections",
  summary: "List the workspace's sources and destinations",
  permission: "connections.read",
  response: { status: 200, description: "Connections, sources first, by name.", schema: ZConnectionList },
  errors: [403],
  handle: async ({ ctx }) => {
    const rows = await listConnections({ workspaceId: ctx.workspaceId, includeConfig: hasPermission(ctx.role, "connections.write") });
    return { data: rows.map(toPublicConnection) };
  },
});

export const createConnectionOperation = defineOperation({
  operationId: "createConnection",
  method: "POST",
  path: "/api/v1/connections",
  tag: "Connections",
  summary: "Create a connection",
  description: "`type` is the connector id; `config` holds that connector's fields. The settings are saved without being tested: call `/test` next.",
  permission: "connections.write",
  body: { schema: ZCreateConnectionBody, required: true },
  response: { status: 201, description: "The new connection.", schema: ZConnection },
  errors: [400, 403, 409],
  handle: async ({ ctx, body }) =>
    toPublicConnection(await createConnection({ workspaceId: ctx.workspaceId, name: body.name, type: body.type, config: body.config, actor: ctx.actor })),
});

export const getConnectionOperation = defineOperation({
  operationId: "getConnection",
  method: "GET",
  path: "/api/v1/connections/{id}",
  tag: "Connections",
  summary: "Get a connection",
  permission: "connections.read",
  params: ZIdParams,
  response: { status: 200, description: "The connection; secret fields read as set or not set.", schema: ZConnection },
  errors: [403, 404],
  handle: async ({ ctx, params }) =>
    toPublicConnection(await getConnection({ workspaceId: ctx.workspaceId, connectionId: params.id, includeConfig: hasPermission(ctx.role, "connections.write") })),
});

export const updateConnectionOperation = defineOperation({
  operationId: "updateConnection",
  method: "PATCH",
  path: "/api/v1/connections/{id}",
  tag: "Connections",
  summary: "Rename a connection or change its settings",
  permission: "connections.write",
  params: ZIdParams,
  body: { schema: ZUpdateConnectionBody, required: true },
  response: { status: 200, description: "The updated connection (its test status is reset when settings changed).", schema: ZConnection },
  errors: [400, 403, 404, 409],
  handle: async ({ ctx, params, body }) =>
    toPublicConnection(await updateConnection({ workspaceId: ctx.workspaceId, connectionId: params.id, name: body.name, config: body.config, actor: ctx.actor })),
});

export const deleteConnectionOperation = defineOperation({
  operationId: "deleteConnection",
  method: "DELETE",
  path: "/api/v1/connections/{id}",
  tag: "Connections",
  summary: "Delete a connection no sync uses",
  permission: "connections.write",
  params: ZIdParams,
  response: { status: 200, description: "Deleted.", schema: ZDeleted },
  errors: [403, 404, 409],
  handle: ({ ctx, params }) => deleteConnection({ workspaceId: ctx.workspaceId, connectionId: params.id, actor: ctx.actor }),
});

export const testConnectionOperation = defineOperation({
  operationId: "testConnection",
  method: "POST",
  path: "/api/v1/connections/{id}/test",
  tag: "Connections",
  summary: "Test a connection's saved settings",
  description: "Makes an authenticated call that changes nothing and records the result as the connection's status. A failed test answers 200 with `ok: false`.",
  permission: "connections.write",
  params: ZIdParams,
  response: { status: 200, description: "The result of the test.", schema: ZConnectionTestResult },
  errors: [403, 404],
  handle: ({ ctx, params }) => testConnection({ workspaceId: ctx.workspaceId, connectionId: params.id }),
});

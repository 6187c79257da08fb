/**
 * The OpenAPI 3.1 document of the REST API, generated from the operations' own zod schemas (the ones
 * the handlers parse with), so it describes exactly what the server accepts and answers.
 */
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import type { ConfigFieldMeta } from "~/server/connectors/types";
import { ZErrorEnvelope } from "./errors";
import { ZIdParams } from "./schemas/common";
import { ZRunErrorsCsvQuery } from "./schemas/runs";
import type { Operation } from "./operation";
import {
  createConnectionOperation,
  deleteConnectionOperation,
  getConnectionOperation,
  listConnectionsOperation,
  testConnectionOperation,
  updateConnectionOperation,
} from "./operations/connections";
import { getRunOperation, listRunErrorsOperation, listSyncRunsOperation, triggerRunOperation } from "./operations/runs";
import { createSyncOperation, deleteSyncOperation, dryRunSyncOperation, getSyncOperation, listSyncsOperation, updateSyncOperation } from "./operations/syncs";

/** Every REST operation, in the order the document lists them. */
export const OPERATIONS: readonly Operation[] = [
  listConnectionsOperation,
  createConnectionOperation,
  getConnectionOperation,
  updateConnectionOperation,
  deleteConnectionOperation,
  testConnectionOperation,
  listSyncsOperation,
  createSyncOperation,
  getSyncOperation,
  updateSyncOperation,
  deleteSyncOperation,
  dryRunSyncOperation,
  triggerRunOperation,
  listSyncRunsOperation,
  getRunOperation,
  listRunErrorsOperation,
] as unknown as readonly Operation[];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is not valid; `details.fieldErrors` names each field and why.",
  401: "No API token, or the token is unknown or revoked.",
  403: "The token's role lacks the permission this operation needs.",
  404: "No such resource in the token's workspace (resources of other workspaces are not revealed).",
  409: "The change clashes with the current state (name taken, in use, run in progress).",
  413: "The request body is larger than MAX_REQUEST_BODY_BYTES (1 MB by default); it was not read.",
  500: "Unexpected server error; details are in the server log.",
};

function errorResponse(status: number) {
  return { description: ERROR_DESCRIPTIONS[status]!, content: { "application/json": { schema: ZErrorEnvelope } } };
}

function toOperationObject(op: Operation): ZodOpenApiOperationObject {
  const statuses = [...op.errors, 401, ...(op.body ? [413] : []), 500].sort((a, b) => a - b);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, `Permission: \`${op.permission}\`.`].filter(Boolean).join("\n\n"),
    ...(op.params || op.query ? { requestParams: { ...(op.params ? { path: op.params } : {}), ...(op.query ? { query: op.query } : {}) } } : {}),
    ...(op.body
      ? { requestBody: { required: op.body.required, ...(op.body.description ? { description: op.body.description } : {}), content: { "application/json": { schema: op.body.schema } } } }
      : {}),
    responses: {
      [String(op.response.status)]: { description: op.response.description, content: { "application/json": { schema: op.response.schema } } },
      ...Object.fromEntries(statuses.map((status) => [String(status), errorResponse(status)])),
    },
  };
}

/**
 * Connector config fields carry UI metadata (`label`, `help`, `secret` …); in the document they become
 * standard keywords, with the rest kept as `x-` extensions.
 */
function renderConfigFieldMeta(ctx: { jsonSchema: Record<string, unknown> }) {
  const schema = ctx.jsonSchema;
  if (typeof schema.label !== "string") return;
  const meta = schema as Partial<ConfigFieldMeta> & Record<string, unknown>;
  schema.title = meta.label;
  if (meta.help) schema.description = meta.help;
  if (meta.secret) schema.writeOnly = true;
  if (meta.placeholder) schema.examples = [meta.placeholder];
  if (meta.optionLabels) schema["x-option-labels"] = meta.optionLabels;
  if (meta.endpoint) schema["x-endpoint"] = true;
  for (const key of ["label", "help", "secret", "endpoint", "placeholder", "widget", "optionLabels", "group"]) delete schema[key];
}

export function createOpenApiDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const op of OPERATIONS) {
    const item = (paths[op.path] ??= {});
    item[op.method.toLowerCase() as "get" | "post" | "patch" | "delete"] = toOperationObject(op);
  }
  // Streamed CSV, so it is a route of its own rather than a JSON operation (server/api/run-errors-csv.ts).
  paths["/api/v1/runs/{id}/errors.csv"] = {
    get: {
      operationId: "downloadRunErrorsCsv",
      tags: ["Runs"],
      summary: "Download a run's record-level errors as CSV",
      description:
        "One line per error, in the order they were recorded, streamed (works for millions of errors). Columns: kind, record_key, row_number, " +
        "row_values, field, reason, destination_code, created_at. Cells starting with = + - @ (or a tab or CR) get a leading apostrophe so " +
        "spreadsheets do not run them as formulas.\n\nPermission: `syncs.read`.",
      requestParams: { path: ZIdParams, query: ZRunErrorsCsvQuery },
      responses: {
        "200": { description: "The CSV file.", content: { "text/csv": { schema: z.string() } } },
        ...Object.fromEntries([400, 401, 403, 404, 500].map((status) => [String(status), errorResponse(status)])),
      },
    },
  };
  paths["/api/v1/openapi.json"] = {
    get: {
      operationId: "getOpenApiDocument",
      tags: ["Meta"],
      summary: "This document",
      description: "Needs no token.",
      security: [],
      responses: { "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } } },
    },
  };
  return createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Tidewater REST API",
        version: "1.0.0",
        description:
          "Manage connections and syncs and run them from automation (dbt jobs, CI, schedulers). Authenticate with a workspace API token " +
          "(Settings → API tokens) as `Authorization: Bearer <token>`; it acts with the Admin role of its workspace. " +
          'Errors answer `{ "error": { "code", "message", "details" } }`.',
      },
      servers: [{ url: "/", description: "This server" }],
      tags: [
        { name: "Connections", description: "Sources (PostgreSQL, MySQL, DuckDB, Google Sheets …) and destinations (CleverTap, Customer.io)." },
        { name: "Syncs", description: "Model → destination object, with a sync key, mappings and a schedule." },
        { name: "Runs", description: "Trigger runs and read their counts, record-level errors and verification." },
        { name: "Meta", description: "The API's own description." },
      ],
      security: [{ bearerAuth: [] }],
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "A workspace API token." } } },
      paths,
    },
    { override: renderConfigFieldMeta },
  );
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createOpenApiDocument } from "./openapi";

type Json = Record<string, unknown>;
type OperationObject = {
  operationId?: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  security?: unknown[];
};

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const ROUTE_ROOT = fileURLToPath(new URL("../../../app/api/v1/", import.meta.url));

// Serialized as the route answers it, so the checks see exactly what clients download.
const doc = JSON.parse(JSON.stringify(createOpenApiDocument())) as Json & {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
};

function listRouteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listRouteFiles(path);
    return name === "route.ts" ? [path] : [];
  });
}

/** `connections/[id]/test/route.ts` → `/api/v1/connections/{id}/test`. */
function toApiPath(file: string): string {
  const segments = relative(ROUTE_ROOT, file).split(sep).slice(0, -1);
  return `/api/v1${segments.map((s) => `/${s.replace(/^\[(.+)\]$/, "{$1}")}`).join("")}`;
}

function exportedMethods(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!.toLowerCase());
}

function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

function resolvePointer(ref: string): unknown {
  expect(ref.startsWith("#/"), `${ref} is a local reference`).toBe(true);
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Json)[key] : undefined), doc);
}

function operations(): { path: string; method: string; op: OperationObject }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

function resolveSchema(schema: unknown): Json {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  return (ref ? resolvePointer(ref) : schema) as Json;
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3 document with info, paths and bearer authentication", () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\/api\/v1\//);
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });

  it("resolves every $ref", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(resolvePointer(ref), ref).toBeTypeOf("object");
  });

  it("gives every operation a unique id, declared path parameters, a request schema for bodies and response schemas", () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.operationId, where).toBeTruthy();
      expect(ids.has(op.operationId!), `${where}: duplicate operationId`).toBe(false);
      ids.add(op.operationId!);

      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), where).toEqual(templated.sort());
      for (const p of declared) expect(p.required, `${where}: path parameter ${p.name}`).toBe(true);
      for (const p of op.parameters ?? []) expect(["path", "query", "header", "cookie"]).toContain(p.in);

      if (op.requestBody) expect(op.requestBody.content?.["application/json"]?.schema, `${where} request schema`).toBeTypeOf("object");
      const responses = Object.entries(op.responses ?? {});
      expect(responses.length, where).toBeGreaterThan(0);
      for (const [status, response] of responses) {
        expect(status, where).toMatch(/^[1-5]\d\d$/);
        expect(response.description, `${where} ${status} description`).toBeTruthy();
      }
      const success = responses.filter(([status]) => status.startsWith("2"));
      expect(success.length, where).toBe(1);
      // JSON, except the streamed CSV download.
      const content = success[0]![1].content;
      expect(content?.["application/json"]?.schema ?? content?.["text/csv"]?.schema, `${where} response schema`).toBeTypeOf("object");
      if (path !== "/api/v1/openapi.json") {
        expect(op.responses?.["401"], `${where} documents 401`).toBeDefined();
        expect(resolveSchema(op.responses?.["401"]?.content?.["application/json"]?.schema).properties).toHaveProperty("error");
      }
    }
  });

  it("lists exactly the routes under app/api/v1, with the methods each route file exports", () => {
    const files = listRouteFiles(ROUTE_ROOT);
    expect(files.length).toBeGreaterThanOrEqual(9);
    const fromFiles = files.flatMap((file) => exportedMethods(file).map((method) => `${method.toUpperCase()} ${toApiPath(file)}`)).sort();
    const fromDoc = operations()
      .map(({ path, method }) => `${method.toUpperCase()} ${path}`)
      .sort();
    expect(fromDoc).toEqual(fromFiles);
    expect(fromDoc).toEqual(
      expect.arrayContaining([
        "POST /api/v1/connections",
        "POST /api/v1/connections/{id}/test",
        "PATCH /api/v1/syncs/{id}",
        "POST /api/v1/syncs/{id}/runs",
        "GET /api/v1/runs/{id}",
        "GET /api/v1/runs/{id}/errors",
        "GET /api/v1/runs/{id}/errors.csv",
      ]),
    );
  });

  it("documents each connector's config fields by their public names, secrets as write-only", () => {
    const create = resolveSchema(doc.paths["/api/v1/connections"]!.post!.requestBody!.content!["application/json"]!.schema);
    const variants = (create.oneOf ?? create.anyOf) as Json[];
    const configOf = (type: string) => {
      const variant = variants.map(resolveSchema).find((v) => (v.properties as Record<string, Json>).type!.const === type);
      expect(variant, type).toBeDefined();
      return resolveSchema((variant!.properties as Record<string, Json>).config) as { properties: Record<string, Json>; required?: string[] };
    };
    const clevertap = configOf("clevertap");
    expect(Object.keys(clevertap.properties).sort()).toEqual(["accountId", "passcode", "region"]);
    expect(clevertap.properties.region!.enum).toEqual(["eu1", "in1", "sg1", "us1", "aps3", "mec1"]);
    expect(clevertap.properties.passcode).toMatchObject({ writeOnly: true, title: "Passcode" });
    expect(clevertap.properties.passcode).not.toHaveProperty("secret");
    const customerio = configOf("customerio");
    expect(Object.keys(customerio.properties).sort()).toEqual(["apiKey", "appApiKey", "region", "siteId"]);
    expect(customerio.properties.region!.enum).toEqual(["us", "eu"]);
    expect(customerio.required ?? []).not.toContain("appApiKey");
    const postgres = configOf("postgres");
    expect(Object.keys(postgres.properties)).toEqual(expect.arrayContaining(["url", "host", "port", "database", "user", "password", "sslMode"]));
  });

  it("describes a connection test's result, with the optional warning about a source user that may write", () => {
    const result = resolveSchema(doc.paths["/api/v1/connections/{id}/test"]!.post!.responses!["200"]!.content!["application/json"]!.schema) as {
      properties: Record<string, Json>;
      required?: string[];
    };
    expect(Object.keys(result.properties).sort()).toEqual(["message", "ok", "warning"]);
    expect(result.required?.sort()).toEqual(["message", "ok"]);
    expect(result.properties.warning).toMatchObject({ type: "string", description: expect.stringContaining("user that may write") });
  });

  it("describes the sync definition and the run with the public field names", () => {
    const definition = resolveSchema(doc.paths["/api/v1/syncs"]!.post!.requestBody!.content!["application/json"]!.schema) as { properties: Record<string, Json> };
    expect(Object.keys(definition.properties)).toEqual(
      expect.arrayContaining(["name", "sourceId", "model", "destinationId", "object", "behavior", "syncKey", "mappings", "syncAllColumns", "event", "initialSync", "schedule"]),
    );
    const mapping = resolveSchema((resolveSchema(definition.properties.mappings) as { items: Json }).items) as { properties: Record<string, Json> };
    expect(Object.keys(mapping.properties)).toEqual(["from", "to", "type", "onInvalid", "transforms"]);
    expect(resolveSchema(mapping.properties.onInvalid).enum).toEqual(["skip_row", "drop_field"]);
    const run = resolveSchema(doc.paths["/api/v1/runs/{id}"]!.get!.responses!["200"]!.content!["application/json"]!.schema) as {
      properties: Record<string, Json>;
    };
    expect(Object.keys(run.properties)).toEqual(expect.arrayContaining(["id", "status", "counts", "startedAt", "finishedAt", "error", "verification"]));
    expect(Object.keys((resolveSchema(run.properties.counts) as { properties: Json }).properties).sort()).toEqual(
      ["created", "fieldsDropped", "invalid", "read", "rejected", "retried", "unchanged", "updated"],
    );
    expect(resolveSchema(run.properties.status).enum).toEqual(["queued", "running", "succeeded", "succeeded_with_invalid_rows", "succeeded_with_rejections", "failed", "cancelled"]);
  });
});

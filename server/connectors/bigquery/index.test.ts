/**
 * No BigQuery service is reachable here, so these tests cover config parsing, the SQL the connector
 * builds, and how results and errors are turned into plain values and messages. Nothing uses the network.
 */
import { generateKeyPairSync } from "node:crypto";
import * as bigqueryModule from "@google-cloud/bigquery";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import { redactSecrets, secretFormsOfConfig } from "../redact-secrets";
import type { ConfigFieldMeta } from "../types";
import { describeBigQueryError, toPlainValue } from "./client";
import { bigqueryConnector, toSourceColumn, toTarget } from "./index";
import {
  buildCountQuery,
  buildDatasetColumnsQuery,
  buildDescribeQuery,
  buildNullKeyRowsQuery,
  buildReadPageQuery,
  mapBigQueryType,
  quoteIdentifier,
  toCastType,
} from "./sql";

function createServiceAccountJson(overrides: Record<string, unknown> = {}) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify({
    type: "service_account",
    project_id: "my-project-123",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: "reader@my-project-123.iam.gserviceaccount.com",
    ...overrides,
  });
}

const serviceAccountJson = createServiceAccountJson();
const base = { projectId: "my-project-123", serviceAccountJson };

describe("bigquery config", () => {
  it("is marked unverified and says so", () => {
    expect(bigqueryConnector.verified).toBe(false);
    expect(bigqueryConnector.description).toContain("Not verified in our test suite");
  });

  it("requires a project id and a service account key, naming the fields", () => {
    const empty = bigqueryConnector.configSchema.safeParse({});
    expect((empty.error?.issues ?? []).map((i) => i.path.join("."))).toEqual(["projectId", "serviceAccountJson"]);
    expect(bigqueryConnector.configSchema.parse({ ...base, location: "", dataset: " analytics " })).toEqual({ ...base, dataset: "analytics" });
    expect(bigqueryConnector.configSchema.safeParse({ ...base, projectId: "My Project" }).error?.issues[0]?.message).toMatch(/my-project-123/);
    expect(bigqueryConnector.configSchema.safeParse({ ...base, projectId: "example.com:my-project" }).success).toBe(true);
    expect(bigqueryConnector.configSchema.safeParse({ ...base, dataset: "bad-name" }).error?.issues[0]?.path).toEqual(["dataset"]);
    expect(bigqueryConnector.configSchema.safeParse({ ...base, maximumBytesBilled: -5 }).success).toBe(false);
    expect(bigqueryConnector.configSchema.parse({ ...base, maximumBytesBilled: 10_000_000_000 }).maximumBytesBilled).toBe(10_000_000_000);
  });

  it("flags only the service account key as secret, as a textarea", () => {
    const shape = (bigqueryConnector.configSchema as unknown as z.ZodObject<Record<string, z.ZodType>>).shape;
    const metas = Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, z.globalRegistry.get(field) as ConfigFieldMeta]));
    expect(Object.keys(metas).filter((name) => metas[name]?.secret)).toEqual(["serviceAccountJson"]);
    expect(metas.serviceAccountJson?.widget).toBe("textarea");
  });

  it("explains a bad service account key without quoting it", () => {
    const truncated = serviceAccountJson.slice(0, 200);
    const parsed = bigqueryConnector.configSchema.safeParse({ ...base, serviceAccountJson: truncated });
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["serviceAccountJson"] });
    expect(parsed.error?.issues[0]?.message).toMatch(/not valid JSON/);
    expect(parsed.error?.issues[0]?.message).not.toContain(truncated.slice(100, 140));
    const noKey = createServiceAccountJson({ private_key: undefined });
    expect(() => toTarget({ ...base, serviceAccountJson: noKey })).toThrow('The service account key JSON has no "private_key" field');
    expect(toTarget({ ...base, dataset: "analytics" })).toMatchObject({
      projectId: "my-project-123",
      dataset: "analytics",
      account: { clientEmail: "reader@my-project-123.iam.gserviceaccount.com" },
    });
  });

  it("check reports a bad key as a failed result without contacting Google", async () => {
    const result = await bigqueryConnector.check({ config: { ...base, serviceAccountJson: "{ not json" } });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/service account key is not valid JSON/);
  });
});

describe("bigquery SQL", () => {
  const table = { type: "table" as const, schema: "analytics", table: "users" };

  it("quotes identifiers with backticks", () => {
    expect(quoteIdentifier("odd`name")).toBe("`odd\\`name`");
    expect(quoteIdentifier("my-project-123")).toBe("`my-project-123`");
  });

  it("builds keyset pages, casting the text `after` to the key's type", async () => {
    expect(await buildReadPageQuery({ model: table, projectId: "my-project-123", keyColumn: "id", limit: 500 })).toEqual({
      query: "SELECT * FROM `my-project-123`.`analytics`.`users` AS m WHERE m.`id` IS NOT NULL ORDER BY m.`id` LIMIT 500",
      params: {},
    });
    expect(await buildReadPageQuery({ model: table, projectId: "my-project-123", keyColumn: "id", keyType: "INTEGER", after: 42, limit: 10 })).toEqual({
      query:
        "SELECT * FROM `my-project-123`.`analytics`.`users` AS m WHERE m.`id` IS NOT NULL AND m.`id` >= CAST(@after AS INT64) ORDER BY m.`id` LIMIT 10",
      params: { after: "42" },
    });
    const at = await buildReadPageQuery({
      model: table,
      projectId: "p-12345",
      keyColumn: "at",
      keyType: "TIMESTAMP",
      after: new Date("2024-01-02T03:04:05.000Z"),
      limit: 1,
    });
    expect(at.params).toEqual({ after: "2024-01-02T03:04:05.000Z" });
    expect(at.query).toContain("CAST(@after AS TIMESTAMP)");
    await expect(buildReadPageQuery({ model: table, projectId: "p-12345", keyColumn: "tags", keyType: "ARRAY<STRING>", after: "x", limit: 1 })).rejects.toThrow(
      SourceQueryError,
    );
  });

  it("adds a `since` condition for incremental reads, cast to the change column's type", async () => {
    const query = await buildReadPageQuery({
      model: table,
      projectId: "p-12345",
      keyColumn: "id",
      keyType: "INTEGER",
      after: 42,
      since: { column: "updated`at", value: new Date("2024-01-02T03:04:05.000Z"), type: "TIMESTAMP" },
      limit: 10,
    });
    expect(query).toEqual({
      query: "SELECT * FROM `p-12345`.`analytics`.`users` AS m WHERE m.`id` IS NOT NULL AND m.`id` >= CAST(@after AS INT64) AND m.`updated\\`at` > CAST(@since AS TIMESTAMP) ORDER BY m.`id` LIMIT 10",
      params: { after: "42", since: "2024-01-02T03:04:05.000Z" },
    });
    await expect(buildReadPageQuery({ model: table, projectId: "p-12345", keyColumn: "id", since: { column: "tags", value: "x", type: "ARRAY<STRING>" }, limit: 1 })).rejects.toThrow(/cannot track changes/);
  });

  it("maps REST type names to CAST types", () => {
    expect(["INTEGER", "FLOAT", "BOOLEAN", "STRING", "DATE", "NUMERIC"].map(toCastType)).toEqual(["INT64", "FLOAT64", "BOOL", "STRING", "DATE", "NUMERIC"]);
    expect(toCastType("RECORD")).toBeNull();
    expect(toCastType("JSON")).toBeNull();
  });

  it("wraps a SQL model after the parser's check, on lines of its own", async () => {
    const model = { type: "sql" as const, sql: "select id from analytics.users; # done" };
    expect((await buildDescribeQuery({ model, projectId: "p-12345" })).query).toBe("SELECT * FROM (\nselect id from analytics.users\n) AS m LIMIT 0");
    expect((await buildCountQuery({ model, projectId: "p-12345", nullKeyColumn: "id" })).query).toBe(
      "SELECT COUNT(*) AS n FROM (\nselect id from analytics.users\n) AS m WHERE m.`id` IS NULL",
    );
    expect((await buildNullKeyRowsQuery({ model, projectId: "p-12345", keyColumn: "id", limit: 3 })).query).toBe(
      "SELECT * FROM (\nselect id from analytics.users\n) AS m WHERE m.`id` IS NULL LIMIT 3",
    );
    for (const sql of [
      "delete from analytics.users where true",
      "select 1; drop table analytics.users",
      "merge analytics.users t using x s on false when not matched then insert row",
      "select 1 as a) as m; drop table analytics.users; select * from (select 1",
    ]) {
      await expect(buildCountQuery({ model: { type: "sql", sql }, projectId: "p-12345" })).rejects.toThrow(ReadOnlyViolationError);
    }
  });

  it("refuses a write statement before creating a client", async () => {
    const config = bigqueryConnector.configSchema.parse(base);
    await expect(
      bigqueryConnector.readPage({ config, model: { type: "sql", sql: "truncate table analytics.users" }, keyColumn: "id", limit: 5, after: 3 }),
    ).rejects.toBeInstanceOf(ReadOnlyViolationError);
    await expect(bigqueryConnector.preview({ config, model: { type: "sql", sql: "drop table analytics.users" }, limit: 5 })).rejects.toBeInstanceOf(
      ReadOnlyViolationError,
    );
  });

  it("discovers a dataset through its INFORMATION_SCHEMA", () => {
    expect(buildDatasetColumnsQuery({ projectId: "p-12345", dataset: "analytics" }).query).toBe(
      "SELECT table_name, column_name, data_type FROM `p-12345`.`analytics`.INFORMATION_SCHEMA.COLUMNS ORDER BY table_name, ordinal_position",
    );
  });

  it("maps BigQuery types and REST fields to columns", () => {
    expect(["INT64", "INTEGER", "FLOAT64", "NUMERIC(10, 2)", "BIGNUMERIC"].map(mapBigQueryType)).toEqual(Array(5).fill("number"));
    expect(["TIMESTAMP", "DATE", "DATETIME"].map(mapBigQueryType)).toEqual(Array(3).fill("date"));
    expect(["STRING(20)", "TIME"].map(mapBigQueryType)).toEqual(["string", "string"]);
    expect(["BOOL", "BOOLEAN"].map(mapBigQueryType)).toEqual(["boolean", "boolean"]);
    expect(["JSON", "STRUCT<a INT64>", "ARRAY<STRING>", "RECORD"].map(mapBigQueryType)).toEqual(Array(4).fill("json"));
    expect(mapBigQueryType("GEOGRAPHY")).toBe("unknown");
    expect(toSourceColumn({ name: "tags", type: "STRING", mode: "REPEATED" })).toEqual({ name: "tags", type: "json", nativeType: "ARRAY<STRING>" });
    expect(toSourceColumn({ name: "id", type: "INTEGER", mode: "REQUIRED" })).toEqual({ name: "id", type: "number", nativeType: "INTEGER" });
  });
});

describe("bigquery results and errors", () => {
  it("turns BigQuery value classes into plain values", () => {
    const { BigQuery } = bigqueryModule;
    const row = {
      at: BigQuery.timestamp("2024-01-02T03:04:05.000Z"),
      day: BigQuery.date("2024-01-02"),
      local: BigQuery.datetime("2024-01-02T03:04:05"),
      bytes: Buffer.from("hi"),
      nested: { when: BigQuery.date("2023-05-06"), list: [1, BigQuery.time("10:11:12")] },
      none: null,
    };
    expect(toPlainValue(row, bigqueryModule)).toEqual({
      at: new Date("2024-01-02T03:04:05.000Z"),
      day: "2024-01-02",
      local: "2024-01-02T03:04:05",
      bytes: "aGk=",
      nested: { when: "2023-05-06", list: [1, "10:11:12"] },
      none: null,
    });
  });

  it("describes errors without the private key", () => {
    const target = toTarget(base);
    const keyLine = target.account.privateKey.split("\n")[3]!;
    const grant = describeBigQueryError(
      { message: "invalid_grant", response: { data: { error: "invalid_grant", error_description: "Invalid JWT Signature." } } },
      target,
    );
    expect(grant).toBe(
      "Google refused the service account key of reader@my-project-123.iam.gserviceaccount.com (invalid_grant: Invalid JWT Signature.). Create a new JSON key in Google Cloud and paste it here.",
    );
    const denied = describeBigQueryError({ code: 403, message: "Access Denied: User does not have bigquery.jobs.create permission" }, target);
    expect(denied).toMatch(/^BigQuery denied access to reader@my-project-123\.iam\.gserviceaccount\.com in project my-project-123: grant it the BigQuery Job User role/);
    // The key a message echoes is scrubbed at the connector boundary, with the config's secret forms.
    const echoed = describeBigQueryError({ message: `Bad key ${keyLine}` }, target);
    expect(redactSecrets(echoed, secretFormsOfConfig(base, ["serviceAccountJson"]))).toBe("BigQuery: Bad key [redacted]");
  });
});

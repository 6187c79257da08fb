/**
 * BigQuery source through the official @google-cloud/bigquery client. SQL models pass the read-only
 * guard (a job could otherwise run DML); every job carries `jobTimeoutMs` and, when set, a
 * `maximumBytesBilled` cap so a model cannot run up an unbounded bill.
 */
import { z } from "zod";
import { SourceQueryError } from "../errors";
import { parseServiceAccountJson, serviceAccountJsonField } from "../google-sheets/service-account";
import type { ModelQuery, SourceCatalog, SourceColumn, SourceConnector } from "../types";
import { createBigQueryClient, runQuery, toSourceQueryError, type BigQueryTarget, type SchemaField } from "./client";
import {
  buildCountQuery,
  buildDatasetColumnsQuery,
  buildDescribeQuery,
  buildModelSource,
  buildNullKeyRowsQuery,
  buildPreviewQuery,
  buildReadPageQuery,
  mapBigQueryType,
} from "./sql";

/** Project ids, including legacy domain-scoped ones (example.com:my-project). */
const PROJECT_ID = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const configSchema = z.object({
  projectId: z
    .string({ error: "Enter the Google Cloud project id." })
    .trim()
    .min(1, "Enter the Google Cloud project id.")
    .regex(PROJECT_ID, "A project id is 6–30 lower-case letters, digits or hyphens, like my-project-123.")
    .meta({
      label: "Project id",
      help: "The project that runs (and pays for) the queries: Google Cloud console → project picker → ID column.",
      placeholder: "my-project-123",
    }),
  location: z
    .preprocess(blankToUndefined, z.string().trim().optional())
    .meta({ label: "Location", help: "Optional: where the datasets live (US, EU, europe-west1 …).", placeholder: "US" }),
  serviceAccountJson: serviceAccountJsonField(
    "Create a service account key (JSON) in Google Cloud; give the account BigQuery Job User on the project and BigQuery Data Viewer on the datasets you sync.",
  ),
  dataset: z
    .preprocess(blankToUndefined, z.string().trim().regex(DATASET_ID, "A dataset id holds only letters, digits and underscores.").optional())
    .meta({
      label: "Default dataset",
      help: "Optional: SQL models may name its tables without a dataset, and discovery lists only this dataset.",
      placeholder: "analytics",
    }),
  maximumBytesBilled: z
    .number()
    .int("Enter a whole number of bytes.")
    .positive("Enter a positive number of bytes.")
    .optional()
    .meta({
      label: "Maximum bytes billed",
      help: "Optional cap per query: BigQuery fails a query that would scan more (10000000000 = 10 GB).",
      widget: "number",
    }),
});

export type BigQueryConfig = z.infer<typeof configSchema>;

export function toTarget(config: BigQueryConfig): BigQueryTarget {
  const parsed = parseServiceAccountJson(config.serviceAccountJson ?? "");
  if (!parsed.ok) throw new SourceQueryError(parsed.message);
  return {
    projectId: config.projectId,
    location: config.location,
    dataset: config.dataset,
    maximumBytesBilled: config.maximumBytesBilled,
    account: parsed.account,
  };
}

/** A REST schema field as a column; repeated fields are arrays. */
export function toSourceColumn(field: SchemaField): SourceColumn {
  const type = field.type ?? "UNKNOWN";
  if (field.mode === "REPEATED") return { name: field.name ?? "", type: "json", nativeType: `ARRAY<${type}>` };
  return { name: field.name ?? "", type: mapBigQueryType(type), nativeType: type };
}

async function describeTable(target: BigQueryTarget, model: Extract<ModelQuery, { type: "table" }>): Promise<SourceColumn[]> {
  const { client } = await createBigQueryClient(target);
  try {
    const [metadata] = await client.dataset(model.schema).table(model.table).getMetadata();
    const fields = ((metadata as { schema?: { fields?: SchemaField[] } }).schema?.fields ?? []) as SchemaField[];
    return fields.map(toSourceColumn);
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) {
      throw new SourceQueryError(`Table ${model.schema}.${model.table} was not found in project ${target.projectId}, or the service account cannot see it.`, {
        code: "404",
      });
    }
    throw toSourceQueryError(error, target);
  }
}

async function describeModel(target: BigQueryTarget, model: ModelQuery, signal?: AbortSignal): Promise<SourceColumn[]> {
  if (model.type === "table") return describeTable(target, model);
  const { fields } = await runQuery(target, await buildDescribeQuery({ model, projectId: target.projectId }), signal);
  return fields.map(toSourceColumn);
}

export const bigqueryConnector = {
  id: "bigquery",
  kind: "source",
  label: "BigQuery",
  description: "Read tables and SQL models from Google BigQuery. Not verified in our test suite: no BigQuery service is reachable from our CI.",
  verified: false,
  configSchema,

  async check({ config, signal }) {
    try {
      const target = toTarget(config);
      await runQuery(target, { query: "SELECT 1 AS ok", params: {} }, signal);
      if (target.dataset) {
        const { client } = await createBigQueryClient(target);
        await client
          .dataset(target.dataset)
          .getMetadata()
          .catch((error: unknown) => {
            throw toSourceQueryError(error, target);
          });
      }
      return {
        ok: true,
        message: `Connected to BigQuery project ${target.projectId} as ${target.account.clientEmail}${target.dataset ? ` (dataset ${target.dataset})` : ""}.`,
      };
    } catch (error) {
      if (error instanceof SourceQueryError) return { ok: false, message: error.message };
      return { ok: false, message: `Could not connect to BigQuery project ${config.projectId}: an unexpected error occurred.` };
    }
  },

  async discover({ config, signal }): Promise<SourceCatalog> {
    const target = toTarget(config);
    const { client } = await createBigQueryClient(target);
    let datasets: { id: string; location?: string }[];
    if (target.dataset) {
      datasets = [{ id: target.dataset, location: target.location }];
    } else {
      const [list] = await client.getDatasets().catch((error: unknown) => {
        throw toSourceQueryError(error, target);
      });
      datasets = list.map((d) => ({ id: d.id ?? "", location: (d.metadata as { location?: string } | undefined)?.location })).filter((d) => d.id);
    }
    const schemas: SourceCatalog["schemas"] = [];
    for (const dataset of datasets) {
      const { rows } = await runQuery(
        { ...target, location: dataset.location ?? target.location },
        buildDatasetColumnsQuery({ projectId: target.projectId, dataset: dataset.id }),
        signal,
      );
      const tables = new Map<string, SourceColumn[]>();
      for (const row of rows) {
        const table = String(row.table_name);
        const nativeType = String(row.data_type);
        const columns = tables.get(table) ?? [];
        tables.set(table, columns);
        columns.push({ name: String(row.column_name), type: mapBigQueryType(nativeType), nativeType });
      }
      schemas.push({ name: dataset.id, tables: [...tables].map(([name, columns]) => ({ schema: dataset.id, name, columns })) });
    }
    return { schemas };
  },

  async describeModel({ config, model, signal }) {
    return describeModel(toTarget(config), model, signal);
  },

  async preview({ config, model, limit, signal }) {
    const target = toTarget(config);
    const result = await runQuery(target, await buildPreviewQuery({ model, projectId: target.projectId, limit }), signal);
    return { columns: result.fields.map(toSourceColumn), rows: result.rows };
  },

  async countRows({ config, model, signal }) {
    const target = toTarget(config);
    const { rows } = await runQuery(target, await buildCountQuery({ model, projectId: target.projectId }), signal);
    return Number(rows[0]?.n ?? 0);
  },

  async readPage({ config, model, keyColumn, after, since, limit, signal }) {
    const target = toTarget(config);
    // Checked before any call so a write statement never reaches BigQuery.
    await buildModelSource(model, target.projectId);
    let keyType: string | undefined;
    let sinceTyped: { column: string; value: unknown; type: string } | undefined;
    if ((after !== undefined && after !== null) || since) {
      const columns = await describeModel(target, model, signal);
      const typeOf = (name: string) => {
        const column = columns.find((c) => c.name === name);
        if (!column) throw new SourceQueryError(`Column "${name}" is not in the model.`);
        return column.nativeType;
      };
      if (after !== undefined && after !== null) keyType = typeOf(keyColumn);
      if (since) sinceTyped = { ...since, type: typeOf(since.column) };
    }
    const query = await buildReadPageQuery({ model, projectId: target.projectId, keyColumn, keyType, after, since: sinceTyped, limit });
    return (await runQuery(target, query, signal)).rows;
  },

  async readNullKeyRows({ config, model, keyColumn, limit, signal }) {
    const target = toTarget(config);
    const rowsQuery = await buildNullKeyRowsQuery({ model, projectId: target.projectId, keyColumn, limit });
    const countQuery = await buildCountQuery({ model, projectId: target.projectId, nullKeyColumn: keyColumn });
    const [rows, count] = await Promise.all([runQuery(target, rowsQuery, signal), runQuery(target, countQuery, signal)]);
    return { rows: rows.rows, total: Number(count.rows[0]?.n ?? 0) };
  },
} satisfies SourceConnector<BigQueryConfig>;

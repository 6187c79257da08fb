/**
 * The one list of connectors. Adding a connector means adding it here and nowhere else. Every process
 * imports this file, so connector modules hold only what is needed synchronously (metadata, config
 * schema, SQL text) and load their driver or SDK on first use (a cached dynamic import(), enforced by
 * ESLint): a PostgreSQL → CleverTap sync never loads DuckDB, Snowflake, BigQuery or Google's clients.
 */
import { z } from "zod";
import type { AnyConnector, ConfigFieldMeta, DestinationConnector, SourceConnector } from "./types";
import { postgresConnector } from "./postgres";
import { mysqlConnector } from "./mysql";
import { duckdbConnector } from "./duckdb";
import { googleSheetsConnector } from "./google-sheets";
import { snowflakeConnector } from "./snowflake";
import { bigqueryConnector } from "./bigquery";
import { clevertapConnector } from "./clevertap";
import { customerioConnector } from "./customerio";
import { withSecretRedaction } from "./redact-secrets";

/**
 * Every connector behind the one redaction step: whatever leaves one of its methods has the secrets of
 * the config it was called with scrubbed (see redact-secrets.ts).
 */
export const CONNECTORS: readonly AnyConnector[] = [
  postgresConnector,
  mysqlConnector,
  duckdbConnector,
  googleSheetsConnector,
  snowflakeConnector,
  bigqueryConnector,
  clevertapConnector,
  customerioConnector,
].map((c: AnyConnector) => withSecretRedaction(c, secretFieldNames(c)));

export function findConnector(id: string): AnyConnector | undefined {
  return CONNECTORS.find((c) => c.id === id);
}

export function getSourceConnector(id: string): SourceConnector<unknown> {
  const c = findConnector(id);
  if (!c || c.kind !== "source") throw new Error(`Unknown source type "${id}"`);
  return c as SourceConnector<unknown>;
}

export function getDestinationConnector(id: string): DestinationConnector<unknown> {
  const c = findConnector(id);
  if (!c || c.kind !== "destination") throw new Error(`Unknown destination type "${id}"`);
  return c as DestinationConnector<unknown>;
}

export type ConfigField = ConfigFieldMeta & {
  name: string;
  required: boolean;
  type: "string" | "number" | "boolean" | "enum";
  options?: { value: string; label: string }[];
  defaultValue?: unknown;
};

/** The form a connector's config schema describes, in a shape the browser can render. */
export function describeConfigFields(connector: AnyConnector): ConfigField[] {
  const schema = connector.configSchema as unknown as z.ZodObject<Record<string, z.ZodType>>;
  return Object.entries(schema.shape).map(([name, field]) => {
    const meta = (z.globalRegistry.get(field) ?? {}) as Partial<ConfigFieldMeta>;
    const json = z.toJSONSchema(field, { io: "input", unrepresentable: "any" }) as {
      type?: string;
      enum?: string[];
      default?: unknown;
    };
    const isOptional = field.safeParse(undefined).success;
    const type = json.enum ? "enum" : json.type === "number" || json.type === "integer" ? "number" : json.type === "boolean" ? "boolean" : "string";
    return {
      name,
      label: meta.label ?? name,
      help: meta.help,
      placeholder: meta.placeholder,
      secret: meta.secret ?? false,
      endpoint: meta.endpoint ?? false,
      widget: meta.widget,
      group: meta.group,
      optionLabels: meta.optionLabels,
      required: !isOptional,
      type,
      options: json.enum?.map((value) => ({ value, label: meta.optionLabels?.[value] ?? value })),
      defaultValue: json.default,
    };
  });
}

/** Names of the secret fields of a connector's config. */
export function secretFieldNames(connector: AnyConnector): string[] {
  return describeConfigFields(connector)
    .filter((f) => f.secret)
    .map((f) => f.name);
}

/** Names of the fields that decide where (or to which account) the secrets are sent. */
export function endpointFieldNames(connector: AnyConnector): string[] {
  return describeConfigFields(connector)
    .filter((f) => f.endpoint)
    .map((f) => f.name);
}

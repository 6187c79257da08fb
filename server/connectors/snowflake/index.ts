/**
 * Snowflake source through the official snowflake-sdk. Snowflake has no read-only transaction, so SQL
 * models pass the read-only guard and sessions carry a statement timeout; a role with only SELECT
 * grants is the real protection and the help text asks for one.
 */
import { createPrivateKey } from "node:crypto";
import { z } from "zod";
import { SourceQueryError } from "../errors";
import type { ModelQuery, SourceCatalog, SourceColumn, SourceConnector } from "../types";
import { openSnowflakeSession, type SessionOptions, type SnowflakeCredentials, type SnowflakeSession } from "./session";
import {
  buildColumnsSql,
  buildCountSql,
  buildDescribeSql,
  buildNullKeyRowsSql,
  buildPreviewSql,
  buildReadPageSql,
  mapSnowflakeType,
} from "./sql";

const ACCOUNT_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Accepts what users paste: an identifier, or the account URL it is part of. */
export function normalizeAccount(account: string): string {
  return account
    .trim()
    .replace(/^https?:\/\//i, "")
    .replace(/\/.*$/, "")
    .replace(/\.snowflakecomputing\.com$/i, "");
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalText = () => z.preprocess(blankToUndefined, z.string().trim().optional());
/** Secrets are kept exactly as typed: a password may start or end with a space. */
const optionalSecret = () => z.preprocess(blankToUndefined, z.string().optional());

const configSchema = z
  .object({
    account: z
      .string({ error: "Enter the Snowflake account identifier." })
      .trim()
      .min(1, "Enter the Snowflake account identifier.")
      .refine((v) => ACCOUNT_IDENTIFIER.test(normalizeAccount(v)), "The account identifier looks like myorg-myaccount or xy12345.eu-west-1.")
      .meta({
        label: "Account identifier",
        endpoint: true,
        help: "In Snowsight: your name → Account → View account details → Account identifier (myorg-myaccount), or the legacy locator with its region (xy12345.eu-west-1).",
        placeholder: "myorg-myaccount",
      }),
    username: z
      .string({ error: "Enter the Snowflake user name." })
      .trim()
      .min(1, "Enter the Snowflake user name.")
      .meta({ label: "User", help: "A user whose role can only SELECT from the data you sync.", placeholder: "TIDEWATER_READER" }),
    password: optionalSecret().meta({
      label: "Password",
      help: "The user's password. Leave empty when you use key-pair authentication below.",
      secret: true,
      widget: "password",
      group: "auth",
    }),
    privateKey: optionalSecret().meta({
      label: "Private key (PEM)",
      help: "For key-pair authentication: the PKCS#8 private key whose public key is set on the user (ALTER USER … SET RSA_PUBLIC_KEY).",
      secret: true,
      widget: "textarea",
      group: "auth",
      placeholder: "-----BEGIN PRIVATE KEY-----",
    }),
    privateKeyPassphrase: optionalSecret().meta({
      label: "Private key passphrase",
      help: "Only when the private key is encrypted.",
      secret: true,
      widget: "password",
      group: "auth",
    }),
    warehouse: z
      .string({ error: "Enter the warehouse that runs the queries." })
      .trim()
      .min(1, "Enter the warehouse that runs the queries.")
      .meta({ label: "Warehouse", help: "The virtual warehouse that runs the sync's queries.", placeholder: "COMPUTE_WH" }),
    database: z
      .string({ error: "Enter the database to read." })
      .trim()
      .min(1, "Enter the database to read.")
      .meta({ label: "Database", placeholder: "ANALYTICS" }),
    schema: optionalText().meta({
      label: "Schema",
      help: "Optional default schema for SQL models; discovery lists every schema of the database.",
      placeholder: "PUBLIC",
    }),
    role: optionalText().meta({ label: "Role", help: "Optional; the user's default role is used when empty.", placeholder: "REPORTER" }),
  })
  .superRefine((config, ctx) => {
    if (!config.password && !config.privateKey) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "Enter the password, or a private key for key-pair authentication." });
    }
  });

export type SnowflakeConfig = z.infer<typeof configSchema>;

const DEFAULT_OPTIONS: SessionOptions = { connectTimeoutMs: 30_000, statementTimeoutSeconds: 300 };

/** Credentials for the driver, with problems the driver would report vaguely explained first. */
export function toCredentials(config: SnowflakeConfig): SnowflakeCredentials {
  if (config.privateKey) {
    try {
      createPrivateKey({ key: config.privateKey, passphrase: config.privateKeyPassphrase });
    } catch {
      throw new SourceQueryError(
        config.privateKeyPassphrase
          ? "The private key could not be read with this passphrase: paste the PEM key (-----BEGIN ENCRYPTED PRIVATE KEY-----) and its passphrase."
          : "The private key is not a readable PEM key: paste the whole PKCS#8 key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----, and add the passphrase if it is encrypted.",
      );
    }
  } else if (!config.password) {
    throw new SourceQueryError("Enter the password, or a private key for key-pair authentication.");
  }
  return {
    account: normalizeAccount(config.account),
    username: config.username,
    password: config.password,
    privateKey: config.privateKey,
    privateKeyPassphrase: config.privateKeyPassphrase,
    warehouse: config.warehouse,
    database: config.database,
    schema: config.schema,
    role: config.role,
  };
}

function toColumns(columns: { name: string; type: string }[]): SourceColumn[] {
  return columns.map((c) => ({ name: c.name, type: mapSnowflakeType(c.type), nativeType: c.type.toUpperCase() }));
}

/** The connector, with session options a test can narrow (a local unreachable endpoint, a short deadline). */
export function createSnowflakeConnector(overrides: Partial<SessionOptions> = {}) {
  const options = { ...DEFAULT_OPTIONS, ...overrides };

  async function withSession<T>(config: SnowflakeConfig, run: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    const session = await openSnowflakeSession(toCredentials(config), options);
    try {
      return await run(session);
    } finally {
      await session.close();
    }
  }

  async function describeTable(session: SnowflakeSession, config: SnowflakeConfig, model: Extract<ModelQuery, { type: "table" }>) {
    const { rows } = await session.query(buildColumnsSql({ database: config.database, schema: model.schema, table: model.table }));
    if (rows.length === 0) {
      throw new SourceQueryError(`Table ${model.schema}.${model.table} was not found in database ${config.database}, or the role cannot see it.`);
    }
    return rows.map((r) => {
      const nativeType = String(r.DATA_TYPE);
      return { name: String(r.COLUMN_NAME), type: mapSnowflakeType(nativeType), nativeType };
    });
  }

  return {
    id: "snowflake",
    kind: "source",
    label: "Snowflake",
    description: "Read tables and SQL models from a Snowflake warehouse. Not verified in our test suite: no Snowflake server runs in our CI.",
    verified: false,
    configSchema,

    async check({ config }) {
      try {
        return await withSession(config, async (session) => {
          const { rows } = await session.query({ sqlText: 'SELECT CURRENT_ROLE() AS "ROLE", CURRENT_WAREHOUSE() AS "WAREHOUSE"', binds: [] });
          const role = rows[0]?.ROLE ?? "the default role";
          return {
            ok: true,
            message: `Connected to Snowflake account ${normalizeAccount(config.account)} as ${config.username} (role ${String(role)}, warehouse ${config.warehouse}, database ${config.database}).`,
          };
        });
      } catch (error) {
        if (error instanceof SourceQueryError) return { ok: false, message: error.message };
        return { ok: false, message: `Could not connect to Snowflake account ${normalizeAccount(config.account)}: an unexpected error occurred.` };
      }
    },

    async discover({ config, signal }): Promise<SourceCatalog> {
      return withSession(config, async (session) => {
        const { rows } = await session.query(buildColumnsSql({ database: config.database }), signal);
        const schemas = new Map<string, Map<string, SourceColumn[]>>();
        for (const row of rows) {
          const schema = String(row.TABLE_SCHEMA);
          const table = String(row.TABLE_NAME);
          const nativeType = String(row.DATA_TYPE);
          const tables = schemas.get(schema) ?? new Map<string, SourceColumn[]>();
          schemas.set(schema, tables);
          const columns = tables.get(table) ?? [];
          tables.set(table, columns);
          columns.push({ name: String(row.COLUMN_NAME), type: mapSnowflakeType(nativeType), nativeType });
        }
        return {
          schemas: [...schemas].map(([name, tables]) => ({
            name,
            tables: [...tables].map(([table, columns]) => ({ schema: name, name: table, columns })),
          })),
        };
      });
    },

    async describeModel({ config, model, signal }) {
      if (model.type === "table") return withSession(config, (session) => describeTable(session, config, model));
      const sql = await buildDescribeSql(model);
      return withSession(config, async (session) => toColumns((await session.query(sql, signal)).columns));
    },

    async preview({ config, model, limit, signal }) {
      const sql = await buildPreviewSql({ model, limit });
      return withSession(config, async (session) => {
        const result = await session.query(sql, signal);
        return { columns: toColumns(result.columns), rows: result.rows };
      });
    },

    async countRows({ config, model, signal }) {
      const sql = await buildCountSql({ model });
      return withSession(config, async (session) => Number((await session.query(sql, signal)).rows[0]?.N ?? 0));
    },

    async readPage({ config, model, keyColumn, after, since, limit, signal }) {
      const sql = await buildReadPageSql({ model, keyColumn, after, since, limit });
      return withSession(config, async (session) => (await session.query(sql, signal)).rows);
    },

    async readNullKeyRows({ config, model, keyColumn, limit, signal }) {
      const rowsSql = await buildNullKeyRowsSql({ model, keyColumn, limit });
      const countSql = await buildCountSql({ model, nullKeyColumn: keyColumn });
      return withSession(config, async (session) => {
        const rows = (await session.query(rowsSql, signal)).rows;
        const total = Number((await session.query(countSql, signal)).rows[0]?.N ?? 0);
        return { rows, total };
      });
    },
  } satisfies SourceConnector<SnowflakeConfig>;
}

export const snowflakeConnector = createSnowflakeConnector();

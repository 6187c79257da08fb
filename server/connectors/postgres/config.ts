import { z } from "zod";

/**
 * The only parameter a connection URL may carry. The URL is parsed here, never handed to the driver:
 * pg's own parser reads `sslcert`, `sslkey` and `sslrootcert` as file paths on the app server's disk,
 * and `host` or a `/`-host points it at a local socket, so any other parameter would let a workspace
 * admin make the server read its files or reach its own database.
 */
export const URL_PARAMETERS = ["sslmode"] as const;
const URL_SSL_MODES = ["disable", "allow", "prefer", "require", "no-verify", "verify-ca", "verify-full"];

/** What is wrong with a connection URL, or null. */
export function checkConnectionUrl(url: string): string | null {
  const parsed = URL.parse(url);
  if (!parsed) return "is not a valid URL";
  const extra = [...parsed.searchParams.keys()].filter((k) => !(URL_PARAMETERS as readonly string[]).includes(k));
  if (extra.length > 0) return `may carry only ${URL_PARAMETERS.join(", ")}; remove ${extra.map((k) => `?${k}`).join(", ")} (use the SSL setting below for certificates)`;
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode !== null && !URL_SSL_MODES.includes(sslmode)) return `has an unknown sslmode "${sslmode}" (use ${URL_SSL_MODES.join(", ")})`;
  const host = decodeURIComponent(parsed.hostname);
  if (!host) return "needs a host name";
  if (host.startsWith("/") || host.startsWith("@")) return "must name a network host, not a local socket";
  return null;
}

export const postgresConfigSchema = z
  .object({
    url: z
      .string()
      .trim()
      .regex(/^(postgres(ql)?:\/\/.+)?$/, "must start with postgres:// or postgresql://")
      .optional()
      .meta({
        label: "Connection URL",
        help: "A full connection string, e.g. from your host's dashboard. Leave empty to fill in the fields below instead.",
        placeholder: "postgres://user:password@db.example.com:5432/analytics",
        secret: true,
        endpoint: true,
      }),
    host: z.string().trim().optional().meta({ label: "Host", placeholder: "db.example.com", help: "Host name or IP address of the server.", group: "connection", endpoint: true }),
    port: z.number().int().min(1).max(65535).default(5432).meta({ label: "Port", widget: "number", group: "connection", endpoint: true }),
    database: z.string().trim().optional().meta({ label: "Database", placeholder: "analytics", group: "connection" }),
    user: z
      .string()
      .trim()
      .optional()
      .meta({ label: "User", help: "A user with SELECT rights only is enough: every query runs in a read-only transaction.", group: "connection" }),
    password: z.string().optional().meta({ label: "Password", secret: true, widget: "password", group: "connection" }),
    sslMode: z
      .enum(["disable", "require", "verify-full"])
      .default("disable")
      .meta({
        label: "SSL",
        widget: "select",
        endpoint: true,
        help: "Most hosted databases (RDS, Cloud SQL, Supabase, Redshift) need SSL.",
        optionLabels: { disable: "Off", require: "Required (encrypt, accept any certificate)", "verify-full": "Verify the certificate and host name" },
      }),
  })
  .superRefine((c, ctx) => {
    const problem = c.url ? checkConnectionUrl(c.url) : null;
    if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: `The connection URL ${problem}.` });
  })
  .refine((c) => !!c.url || (!!c.host && !!c.database && !!c.user), {
    message: "Enter a connection URL, or the host, database and user.",
    path: ["host"],
  });

export type PostgresConfig = z.output<typeof postgresConfigSchema>;

import { z } from "zod";

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
  .refine((c) => !!c.url || (!!c.host && !!c.database && !!c.user), {
    message: "Enter a connection URL, or the host, database and user.",
    path: ["host"],
  });

export type PostgresConfig = z.output<typeof postgresConfigSchema>;

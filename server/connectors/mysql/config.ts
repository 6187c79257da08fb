import { z } from "zod";

export const mysqlConfigSchema = z.object({
  host: z.string().trim().min(1, "Enter the server's host name or IP address.").meta({ label: "Host", placeholder: "db.example.com", endpoint: true }),
  port: z.number().int().min(1).max(65535).default(3306).meta({ label: "Port", widget: "number", endpoint: true }),
  database: z.string().trim().min(1, "Enter the database (schema) to read from.").meta({ label: "Database", placeholder: "analytics" }),
  user: z
    .string()
    .trim()
    .min(1, "Enter the user name.")
    .meta({ label: "User", help: "A user with SELECT rights only is enough: every query runs in a read-only transaction." }),
  password: z.string().optional().meta({ label: "Password", secret: true, widget: "password" }),
  ssl: z
    .boolean()
    .default(false)
    .meta({ label: "Use SSL", widget: "checkbox", endpoint: true, help: "Encrypt the connection and verify the server's certificate (needed by most hosted databases)." }),
});

export type MysqlConfig = z.output<typeof mysqlConfigSchema>;

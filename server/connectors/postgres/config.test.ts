import { describe, expect, it } from "vitest";
import { postgresConfigSchema } from "./config";

function urlError(url: string): string | undefined {
  const parsed = postgresConfigSchema.safeParse({ url });
  return parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === "url")?.message;
}

describe("the PostgreSQL connection URL", () => {
  it("refuses every parameter that makes the driver read the server's files or reach a local socket", () => {
    for (const query of ["sslcert=/etc/passwd", "sslkey=/app/.data/secrets.json", "sslrootcert=/proc/self/environ", "host=/var/run/postgresql", "options=-c%20statement_timeout%3D0", "sslmode=require&sslcert=/x", "SSLCERT=/x"]) {
      expect(urlError(`postgres://u:p@db.example.com:5432/app?${query}`), query).toMatch(/^The connection URL may carry only sslmode; remove \?/);
    }
    expect(urlError("postgres://u:p@%2Fvar%2Frun%2Fpostgresql/app")).toBe("The connection URL must name a network host, not a local socket.");
    expect(urlError("postgres://u:p@db.example.com/app?sslmode=sometimes")).toMatch(/unknown sslmode "sometimes"/);
  });

  it("accepts a plain URL and one with sslmode", () => {
    expect(urlError("postgres://u:p@db.example.com:5432/app")).toBeUndefined();
    expect(urlError("postgresql://u:p%40ss@[::1]:6543/app?sslmode=verify-full")).toBeUndefined();
  });
});

import { env } from "./env.js";
import { API_POLICY, HSTS_VALUE } from "./server/lib/security-headers.js";

// Pages get their Content-Security-Policy (with a per-response nonce) and HSTS from proxy.ts.
const SECURITY_HEADERS = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];
const HSTS = { key: "Strict-Transport-Security", value: HSTS_VALUE };

/** @type {import("next").NextConfig} */
const config = {
  // Native addons and WASM assets cannot be bundled by Turbopack; they load from node_modules at run time.
  serverExternalPackages: [
    "@duckdb/node-api",
    "@duckdb/node-bindings",
    "@electric-sql/pglite",
    "pglite-prisma-adapter",
    "@prisma/schema-engine-wasm",
    "snowflake-sdk",
    "@google-cloud/bigquery",
    "@googleapis/sheets",
    "google-auth-library",
    "mysql2",
    "pg",
    "bcryptjs",
    // SQL models are classified by these parsers (libpg-query loads its own .wasm file).
    "libpg-query",
    "node-sql-parser",
  ],
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: env.NEXTAUTH_URL?.startsWith("https://") ? [...SECURITY_HEADERS, HSTS] : SECURITY_HEADERS },
      // Behind a TLS-terminating proxy the scheme is only known per request.
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS] },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};

export default config;

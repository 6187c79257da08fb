import "./env.js";

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
};

export default config;

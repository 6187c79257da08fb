import { defineConfig } from "prisma/config";

// Only `prisma generate` uses this file: migrations run through scripts/db-migrate.ts
// (WASM schema engine), because the native engine cannot be downloaded.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});

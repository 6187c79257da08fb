/**
 * The Prisma client factory: PGlite under DATA_DIR by default, PostgreSQL when DATABASE_URL is set.
 * Edit when adding a database kind. Code imports `getDb()` and never builds its own client.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { env } from "~/env.js";
import { PrismaClient } from "./generated/client";
import { migrateDatabase } from "./migrate-database";

export type Db = PrismaClient;
export type DatabaseKind = "embedded" | "postgres";

type DbHandle = { db: PrismaClient; kind: DatabaseKind; close: () => Promise<void> };

const globalForDb = globalThis as unknown as { __tidewaterDb?: Promise<DbHandle> };

export function getDatabaseKind(): DatabaseKind {
  return env.DATABASE_URL ? "postgres" : "embedded";
}

/** Adapter factory for the configured database (also used by the migration scripts). */
export async function createAdapterFactory(
  options: { databaseUrl?: string; dataDir?: string } = {},
): Promise<{ factory: SqlMigrationAwareDriverAdapterFactory; close: () => Promise<void> }> {
  const databaseUrl = options.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl) {
    return { factory: new PrismaPg({ connectionString: databaseUrl }), close: async () => {} };
  }
  const dataDir = options.dataDir ?? env.DATA_DIR;
  // PGlite does not create parent folders.
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const pglite = await PGlite.create(join(dataDir, "pglite"));
  return {
    factory: new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory,
    close: () => pglite.close(),
  };
}

async function openDatabase(): Promise<DbHandle> {
  const kind = getDatabaseKind();
  const { factory, close } = await createAdapterFactory();
  // Embedded mode has no separate deploy step, so the app brings its own schema up to date.
  if (kind === "embedded") await migrateDatabase(factory);
  const db = new PrismaClient({ adapter: factory });
  return {
    db,
    kind,
    close: async () => {
      await db.$disconnect();
      await close();
    },
  };
}

/** The process-wide client. A failed open is not cached, so the next call tries again. */
export function getDb(): Promise<PrismaClient> {
  if (!globalForDb.__tidewaterDb) {
    const opening = openDatabase();
    globalForDb.__tidewaterDb = opening;
    opening.catch(() => {
      if (globalForDb.__tidewaterDb === opening) globalForDb.__tidewaterDb = undefined;
    });
  }
  return globalForDb.__tidewaterDb.then((h) => h.db);
}

export async function closeDb(): Promise<void> {
  const handle = globalForDb.__tidewaterDb;
  globalForDb.__tidewaterDb = undefined;
  if (handle) await (await handle).close();
}

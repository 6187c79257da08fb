/**
 * The app's own database on the real PostgreSQL server instead of the embedded one, for the tests of
 * what PGlite cannot show (row locks between connections, query plans). Registers the hooks of the
 * file or describe block it is called in: a fresh database, migrated, dropped afterwards.
 */
import { afterAll, beforeAll } from "vitest";
import { env } from "~/env.js";
import { closeDb, createAdapterFactory } from "~/server/db/client";
import { migrateDatabase } from "~/server/db/migrate-database";
import { createPostgresDatabase } from "./databases";

export function provisionPostgresAppDatabase(prefix: string): { readonly url: string } {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  beforeAll(async () => {
    await closeDb();
    database = await createPostgresDatabase(prefix);
    const { factory, close } = await createAdapterFactory({ databaseUrl: database.url });
    await migrateDatabase(factory);
    await close();
    env.DATABASE_URL = database.url;
  });
  afterAll(async () => {
    await closeDb();
    env.DATABASE_URL = undefined;
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error("provisionPostgresAppDatabase: the database exists only inside tests");
      return database.url;
    },
  };
}

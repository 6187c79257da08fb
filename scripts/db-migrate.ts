// npm run db:migrate — applies pending migrations to the configured database (embedded or DATABASE_URL).
import { createAdapterFactory, getDatabaseKind } from "~/server/db/client";
import { migrateDatabase } from "~/server/db/migrate-database";

const { factory, close } = await createAdapterFactory();
try {
  const applied = await migrateDatabase(factory);
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s) to the ${getDatabaseKind()} database: ${applied.join(", ")}`
      : `The ${getDatabaseKind()} database is up to date.`,
  );
} finally {
  await close();
}

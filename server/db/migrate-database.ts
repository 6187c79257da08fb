import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { NO_FILTER, readMigrationList, withSchemaEngine } from "./schema-engine";

/** Applies the committed migrations that the database has not seen yet; records them in _prisma_migrations. */
export async function migrateDatabase(adapterFactory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const migrationsList = await readMigrationList();
  if (migrationsList.migrationDirectories.length === 0) return [];
  return withSchemaEngine(adapterFactory, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return result.appliedMigrationNames;
  });
}

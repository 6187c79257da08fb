// npm run db:migration -- --name <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql from the
// difference between the committed migrations and prisma/schema.prisma. The migrations are replayed into a
// throwaway in-memory PGlite (our shadow database), so no server and no native engine is needed.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, dirname } from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import {
  LOCKFILE_CONTENT,
  MIGRATIONS_DIR,
  NO_FILTER,
  SCHEMA_PATH,
  readMigrationList,
  readSchemaFiles,
  withSchemaEngine,
} from "~/server/db/schema-engine";

const { values } = parseArgs({ options: { name: { type: "string" } } });
const name = (values.name ?? "").trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
if (!name) {
  console.error("Usage: npm run db:migration -- --name <what_changed>");
  process.exit(2);
}

const shadow = await PGlite.create();
try {
  const migrations = await readMigrationList();
  const files = await readSchemaFiles();
  const sql = await withSchemaEngine(new PrismaPGlite(shadow) as unknown as SqlMigrationAwareDriverAdapterFactory, async (engine) => {
    if (migrations.migrationDirectories.length) await engine.applyMigrations({ migrationsList: migrations, filters: NO_FILTER });
    const diff = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: dirname(SCHEMA_PATH) },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    return diff.exitCode === 0 ? null : diff.stdout;
  });
  if (!sql) {
    console.log("No schema changes: no migration written.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "migration.sql"), sql);
    if (!existsSync(join(MIGRATIONS_DIR, "migration_lock.toml"))) await writeFile(join(MIGRATIONS_DIR, "migration_lock.toml"), LOCKFILE_CONTENT);
    console.log(`Wrote ${dir}/migration.sql`);
  }
} finally {
  await shadow.close();
}

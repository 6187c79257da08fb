/**
 * Prisma's schema engine compiled to WebAssembly, driven through a driver adapter. It replaces
 * `prisma migrate`, whose native engine cannot be downloaded on our machines. Edit this file only
 * when upgrading Prisma (pin @prisma/schema-engine-wasm to the prisma release's engines version).
 */
import { readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

type EngineModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

export const MIGRATIONS_DIR = resolve("prisma/migrations");
export const SCHEMA_PATH = resolve("prisma/schema.prisma");
const LOCKFILE = "migration_lock.toml";
export const LOCKFILE_CONTENT = '# Do not edit by hand; created by npm run db:migration.\nprovider = "postgresql"\n';
export const NO_FILTER = { externalTables: [], externalEnums: [] };

let enginePromise: Promise<EngineModule> | undefined;

/**
 * The .wasm file inside node_modules. Next's bundler rewrites `require.resolve` into a module number,
 * so in the production server the package is found from the working directory (where `next start` runs).
 */
function locateEngineWasm(): string {
  const fromCwd = join(process.cwd(), "node_modules", "@prisma", "schema-engine-wasm", "schema_engine_bg.wasm");
  if (existsSync(fromCwd)) return fromCwd;
  const resolved: unknown = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  if (typeof resolved !== "string") throw new Error(`Cannot find @prisma/schema-engine-wasm under ${process.cwd()}/node_modules`);
  return join(dirname(resolved), "schema_engine_bg.wasm");
}

function loadEngineModule(): Promise<EngineModule> {
  // The package's main entry imports the .wasm as an ES module, which Node cannot do without flags.
  enginePromise ??= (async () => {
    const runtime = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = locateEngineWasm();
    const wasmModule = new WebAssembly.Module(await readFile(wasmPath));
    const instance = new WebAssembly.Instance(wasmModule, {
      "./schema_engine_bg.js": runtime as unknown as WebAssembly.ModuleImports,
    });
    (runtime as unknown as { __wbg_set_wasm: (w: unknown) => void }).__wbg_set_wasm(instance.exports);
    (instance.exports as unknown as { __wbindgen_start: () => void }).__wbindgen_start();
    return runtime;
  })();
  return enginePromise;
}

export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  callback: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const runtime = await loadEngineModule();
  const engine = await runtime.SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(adapterFactory));
  try {
    return await callback(engine);
  } finally {
    engine.free();
  }
}

export async function readMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    : [];
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  );
  const lockPath = join(dir, LOCKFILE);
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? await readFile(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export async function readSchemaFiles(path = SCHEMA_PATH): Promise<SchemaContainer[]> {
  return [{ path, content: await readFile(path, "utf8") }];
}

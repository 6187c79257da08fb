/**
 * File sources read nothing outside their workspace's folder, however the path, the glob or the SQL
 * is spelled: each attack below runs against real DuckDB on real files, and each legitimate read
 * next to it still works.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadOnlyViolationError, SourceQueryError } from "../errors";
import type { ModelQuery } from "../types";
import { type DuckdbConfig, duckdbConfigSchema, duckdbConnector } from "./index";

const SECRET = "s3cr3t-value-that-must-never-leak";

let base: string;
let root: string;
let workspace: string;
let other: string;
let dataDir: string;

async function makeDatabase(path: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(sql);
  connection.closeSync();
  instance.closeSync();
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "duckdb-confine-"));
  root = join(base, "file-sources");
  workspace = join(root, "ws_a");
  other = join(root, "ws_b");
  dataDir = join(base, "data");
  for (const dir of [workspace, join(workspace, "exports"), other, dataDir]) await mkdir(dir, { recursive: true });
  await writeFile(join(dataDir, "secrets.json"), JSON.stringify({ AUTH_SECRET: SECRET, ENCRYPTION_KEY: SECRET }));
  await writeFile(join(dataDir, "secret.csv"), `secret\n${SECRET}\n`);
  await writeFile(join(other, "theirs.csv"), `id,secret\n1,${SECRET}\n`);
  await writeFile(join(workspace, "users.csv"), "id,name\n1,Al\n2,Bo\n");
  await writeFile(join(workspace, "exports", "a.csv"), "id,name\n3,Cy\n");
  await writeFile(join(workspace, "exports", "b.csv"), "id,name\n4,Di\n");
  await writeFile(join(workspace, "events.jsonl"), '{"id":1,"kind":"signup"}\n{"id":2,"kind":"login"}\n');
  await symlink(join(dataDir, "secret.csv"), join(workspace, "link.csv"));
  await symlink(join(dataDir, "secrets.json"), join(workspace, "exports", "secrets.json"));
  await symlink(other, join(workspace, "neighbour"));
  await symlink(dataDir, join(workspace, "data-link"));
  await makeDatabase(
    join(workspace, "warehouse.duckdb"),
    `CREATE TABLE users AS SELECT 1 AS id, 'Al' AS name;
     CREATE VIEW leaky AS SELECT * FROM read_text('${join(dataDir, "secrets.json")}');
     CREATE VIEW leaky_csv AS SELECT * FROM read_csv('${join(dataDir, "secret.csv")}');`,
  );
  await makeDatabase(join(other, "theirs.duckdb"), `CREATE TABLE t AS SELECT '${SECRET}' AS secret`);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

function filesConfig(files: string, fileRoot = workspace): DuckdbConfig {
  return { ...duckdbConfigSchema.parse({ mode: "files", files }), fileRoot };
}
function databaseConfig(path: string, fileRoot = workspace): DuckdbConfig {
  return { ...duckdbConfigSchema.parse({ mode: "database", path }), fileRoot };
}
/** A config stored before the schema refused absolute paths: the connector checks it again at read time. */
function storedConfig(config: { mode: "files"; files: string } | { mode: "database"; path: string }): DuckdbConfig {
  return { ...config, fileRoot: workspace };
}

/** The error a call ends with (or a failure if it succeeded), after checking that no secret leaked into it. */
async function refusal(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`);
  const error = outcome.error as Error;
  expect(error.message).not.toContain(SECRET);
  return error;
}

describe("paths and globs are confined to the workspace folder", () => {
  it("reads files in the folder by relative path, absolute path inside it, glob and JSON lines", async () => {
    const rows = async (config: DuckdbConfig) =>
      (await duckdbConnector.preview({ config, model: { type: "table", schema: "files", table: "data" }, limit: 10 })).rows;
    expect(await rows(filesConfig("users.csv"))).toEqual([
      { id: 1, name: "Al" },
      { id: 2, name: "Bo" },
    ]);
    expect(await rows(storedConfig({ mode: "files", files: join(workspace, "users.csv") }))).toHaveLength(2);
    expect((await rows(filesConfig("exports/*.csv"))).map((r) => r.name)).toEqual(["Cy", "Di"]);
    expect(await rows(filesConfig("events.jsonl"))).toEqual([
      { id: 1, kind: "signup" },
      { id: 2, kind: "login" },
    ]);
    expect(await duckdbConnector.check({ config: databaseConfig("warehouse.duckdb") })).toMatchObject({ ok: true });
  });

  it("refuses absolute paths when the connection is saved, and outside the folder at read time", async () => {
    for (const input of [{ mode: "files", files: join(dataDir, "secrets.json") }, { mode: "database", path: join(dataDir, "secrets.json") }, { mode: "files", files: "C:\\data\\x.csv" }]) {
      expect(duckdbConfigSchema.safeParse(input).error?.issues[0]?.message).toMatch(/absolute paths are not accepted/);
    }
    const stored = [
      storedConfig({ mode: "files", files: join(dataDir, "secrets.json") }),
      storedConfig({ mode: "database", path: join(dataDir, "secrets.json") }),
      storedConfig({ mode: "files", files: "/etc/passwd.csv" }),
    ];
    for (const config of stored) {
      const result = await duckdbConnector.check({ config });
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/is outside this workspace's file folder/);
    }
  });

  it("refuses .. in any position, before touching the disk", async () => {
    expect(duckdbConfigSchema.safeParse({ mode: "files", files: "../ws_b/theirs.csv" }).error?.issues[0]?.message).toMatch(/cannot contain "\.\."/);
    expect(duckdbConfigSchema.safeParse({ mode: "database", path: "x/../../data/secrets.json" }).success).toBe(false);
    // A stored config that predates the schema rule meets the same check at read time.
    for (const files of ["../ws_b/theirs.csv", "exports/../../ws_b/*.csv", `${workspace}/../ws_b/theirs.csv`, "..\\ws_b\\theirs.csv"]) {
      const error = await refusal(duckdbConnector.discover({ config: { mode: "files", files, fileRoot: workspace } }));
      expect(error, files).toBeInstanceOf(SourceQueryError);
      expect(error.message).toMatch(/"\.\."|outside this workspace's file folder/);
    }
  });

  it("refuses another workspace's folder by absolute path and through a symlinked folder", async () => {
    expect((await duckdbConnector.check({ config: storedConfig({ mode: "files", files: join(other, "theirs.csv") }) })).message).toMatch(/outside this workspace's file folder/);
    expect((await duckdbConnector.check({ config: storedConfig({ mode: "database", path: join(other, "theirs.duckdb") }) })).message).toMatch(/outside this workspace's file folder/);
    expect((await duckdbConnector.check({ config: filesConfig("neighbour/theirs.csv") })).message).toMatch(/link to a file outside/);
  });

  it("refuses a symlink that points outside, named directly or through a linked folder", async () => {
    for (const config of [filesConfig("link.csv"), filesConfig("exports/secrets.json"), filesConfig("data-link/secret.csv")]) {
      const result = await duckdbConnector.check({ config });
      expect(result.ok, config.files).toBe(false);
      expect(result.message).toMatch(/link to a file outside this workspace's file folder/);
      expect(result.message).not.toContain(SECRET);
    }
  });

  it("globs do not follow symlinks, to files or folders", async () => {
    const { rows } = await duckdbConnector.preview({ config: filesConfig("*.csv"), model: { type: "table", schema: "files", table: "data" }, limit: 10 });
    expect(rows.map((r) => r.name)).toEqual(["Al", "Bo"]);
    for (const files of ["exports/*.json", "**/*.json", "*/theirs.csv", "data-link/*.csv"]) {
      const result = await duckdbConnector.check({ config: filesConfig(files) });
      expect(result, files).toEqual({ ok: false, message: expect.stringMatching(/^No files match|link to a file outside this workspace/) });
    }
  });

  it("glob syntax that spells .. another way (braces, extglobs, classes) matches nothing outside", async () => {
    for (const files of ["{..,x}/ws_b/*.csv", "@(..)/ws_b/*.csv", "[.][.]/ws_b/theirs.csv", "{..}/ws_b/theirs.csv", "+(.)/ws_b/*.csv"]) {
      const result = await duckdbConnector.check({ config: filesConfig(files) });
      expect(result, files).toEqual({ ok: false, message: expect.stringMatching(/^No files match|outside this workspace/) });
    }
  });

  it("reads nothing without a workspace folder", async () => {
    const result = await duckdbConnector.check({ config: { mode: "files", files: "users.csv" } });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/no workspace folder/) });
  });
});

describe("DuckDB SQL cannot reach other files", () => {
  const secretsJson = () => join(dataDir, "secrets.json");
  const attacks = (): string[] => [
    `select * from read_text('${secretsJson()}')`,
    `select * from read_csv('${secretsJson()}')`,
    `select * from read_json_auto('${secretsJson()}')`,
    `select * from read_blob('${secretsJson()}')`,
    `select * from read_csv('${join(workspace, "link.csv")}')`,
    `select * from read_csv('${join(workspace, "..", "ws_b", "theirs.csv")}')`,
    `select * from read_csv('${join(other, "*.csv")}')`,
    `select * from glob('/**')`,
    `select * from glob('${dataDir}/*')`,
    `select * from read_text('/etc/passwd')`,
    `select * from read_csv('http://127.0.0.1:9/x.csv')`,
    `select * from query('select * from read_text(''${secretsJson()}'')')`,
  ];

  for (const [label, config] of [
    ["files mode", () => filesConfig("users.csv")],
    ["database mode", () => databaseConfig("warehouse.duckdb")],
  ] as const) {
    it(`${label}: file-reading SELECTs are refused by DuckDB's own access control`, async () => {
      for (const sql of attacks()) {
        const error = await refusal(duckdbConnector.preview({ config: config(), model: { type: "sql", sql }, limit: 5 }));
        expect(error, sql).toBeInstanceOf(SourceQueryError);
        expect(error.message, sql).toMatch(/Permission Error|disabled/);
      }
    });

    it(`${label}: statements other than one SELECT never run`, async () => {
      const statements = [
        `ATTACH '${join(other, "theirs.duckdb")}' AS theirs`,
        `COPY (SELECT 1) TO '${join(workspace, "written.csv")}'`,
        `select 1; COPY (SELECT 1) TO '${join(workspace, "written.csv")}'`,
        `select 1) AS model; COPY (SELECT 1) TO '${join(workspace, "written.csv")}'; SELECT * FROM (select 1`,
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        `SET allowed_paths = ['${secretsJson()}']`,
        "PRAGMA version",
        "CREATE TABLE t AS SELECT 1",
        "",
      ];
      for (const sql of statements) {
        const error = await refusal(duckdbConnector.preview({ config: config(), model: { type: "sql", sql }, limit: 5 }));
        expect(error, sql).toBeInstanceOf(error instanceof ReadOnlyViolationError ? ReadOnlyViolationError : SourceQueryError);
      }
      expect(await readdir(workspace)).not.toContain("written.csv");
    });

    it(`${label}: the lock holds: settings read back as set`, async () => {
      const { rows } = await duckdbConnector.preview({
        config: config(),
        model: {
          type: "sql",
          sql: `select current_setting('enable_external_access') as external, current_setting('lock_configuration') as locked,
                       current_setting('autoload_known_extensions') as autoload, current_setting('autoinstall_known_extensions') as autoinstall`,
        },
        limit: 1,
      });
      expect(rows).toEqual([{ external: false, locked: true, autoload: false, autoinstall: false }]);
    });
  }

  it("a view inside the database file that reads an outside file is refused when queried", async () => {
    for (const table of ["leaky", "leaky_csv"]) {
      const model: ModelQuery = { type: "table", schema: "main", table };
      const error = await refusal(duckdbConnector.preview({ config: databaseConfig("warehouse.duckdb"), model, limit: 5 }));
      expect(error.message, table).toMatch(/Permission Error/);
    }
    const { rows } = await duckdbConnector.preview({ config: databaseConfig("warehouse.duckdb"), model: { type: "table", schema: "main", table: "users" }, limit: 5 });
    expect(rows).toEqual([{ id: 1, name: "Al" }]);
  });

  it("SQL models still read the connection's own files", async () => {
    const { rows } = await duckdbConnector.preview({
      config: filesConfig("users.csv"),
      model: { type: "sql", sql: "with t as (select * from files.data) select name from t order by id -- trailing comment" },
      limit: 5,
    });
    expect(rows).toEqual([{ name: "Al" }, { name: "Bo" }]);
    expect(JSON.parse(await readFile(join(dataDir, "secrets.json"), "utf8")).AUTH_SECRET).toBe(SECRET);
  });
});

import { existsSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { env } from "~/env.js";
import { findConnector } from "~/server/connectors/registry";
import { getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createId } from "~/server/lib/ids";
import { prepareConnectorConfig } from "~/server/services/connections/connector-config";
import { testConnection } from "~/server/services/connections/test-connection";
import { deleteWorkspaceFile } from "./delete-workspace-file";
import { listWorkspaceFiles } from "./list-workspace-files";
import { uploadWorkspaceFile, UploadTooLargeError } from "./upload-workspace-file";
import { getWorkspaceFileFolder } from "./workspace-file-folder";

const actor = { userId: null, label: "test" };

async function createWorkspace(): Promise<string> {
  const id = createId("ws");
  await (await getDb()).workspace.create({ data: { id, name: "Files", slug: id } });
  return id;
}

/** A request body as the route receives it, in chunks, with no Content-Length to trust. */
function streamOf(text: string, chunkSize = 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

const upload = (workspaceId: string, fileName: string, text: string, extra: { maxBytes?: number; replace?: boolean } = {}) =>
  uploadWorkspaceFile({ workspaceId, fileName, body: streamOf(text), declaredBytes: null, maxBytes: extra.maxBytes ?? 1024 * 1024, replace: extra.replace ?? false, actor });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("workspace file folders", () => {
  it("live under FILE_SOURCES_DIR, one per workspace, and refuse ids that are not ids", async () => {
    const a = await createWorkspace();
    const folder = await getWorkspaceFileFolder({ workspaceId: a });
    expect(folder).toBe(join(realpathSync(env.FILE_SOURCES_DIR), a));
    for (const bad of ["..", "../x", "a/b", "", "."]) await expect(getWorkspaceFileFolder({ workspaceId: bad })).rejects.toThrow(/Not a workspace id/);
  });

  it("uploads stream to disk under a safe name, list with size and date, and delete", async () => {
    const workspaceId = await createWorkspace();
    const folder = await getWorkspaceFileFolder({ workspaceId });
    const file = await upload(workspaceId, "../../My Users (1).csv", "id,name\n1,Al\n");
    expect(file).toMatchObject({ name: "My-Users-1-.csv", size: 13 });
    expect(readFileSync(join(folder, "My-Users-1-.csv"), "utf8")).toBe("id,name\n1,Al\n");
    expect(await listWorkspaceFiles({ workspaceId })).toEqual([{ name: "My-Users-1-.csv", path: "My-Users-1-.csv", size: 13, modifiedAt: expect.any(Date) }]);
    await deleteWorkspaceFile({ workspaceId, name: "My-Users-1-.csv", actor });
    expect(await listWorkspaceFiles({ workspaceId })).toEqual([]);
    expect(await failure(deleteWorkspaceFile({ workspaceId, name: "My-Users-1-.csv", actor }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failure(deleteWorkspaceFile({ workspaceId, name: "../secrets.json", actor }))).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses other extensions and empty files", async () => {
    const workspaceId = await createWorkspace();
    for (const name of ["run.sh", "x.csv.exe", "...", ""]) {
      const error = await failure(upload(workspaceId, name, "x"));
      expect(error, name).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("BAD_REQUEST");
    }
    expect((await failure(upload(workspaceId, "empty.csv", ""))) as AppError).toMatchObject({ code: "BAD_REQUEST", message: "The file is empty." });
    expect(readdirSync(await getWorkspaceFileFolder({ workspaceId }))).toEqual([]);
  });

  it("stops a body at the limit while streaming, and leaves nothing behind", async () => {
    const workspaceId = await createWorkspace();
    const error = await failure(upload(workspaceId, "big.csv", "x".repeat(10_000), { maxBytes: 4096 }));
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect((error as Error).message).toMatch(/larger than the upload limit/);
    expect(readdirSync(await getWorkspaceFileFolder({ workspaceId }))).toEqual([]);
    const declared = await failure(
      uploadWorkspaceFile({ workspaceId, fileName: "big.csv", body: streamOf("x"), declaredBytes: 10_000, maxBytes: 4096, replace: false, actor }),
    );
    expect(declared).toBeInstanceOf(UploadTooLargeError);
  });

  it("never overwrites silently: a conflict keeps the old file, replace swaps it", async () => {
    const workspaceId = await createWorkspace();
    const folder = await getWorkspaceFileFolder({ workspaceId });
    await upload(workspaceId, "keep.csv", "id\n1\n");
    expect(await failure(upload(workspaceId, "keep.csv", "id\n2\n"))).toMatchObject({ code: "CONFLICT" });
    expect(readFileSync(join(folder, "keep.csv"), "utf8")).toBe("id\n1\n");
    await upload(workspaceId, "keep.csv", "id\n3\n", { replace: true });
    expect(readFileSync(join(folder, "keep.csv"), "utf8")).toBe("id\n3\n");
    expect(readdirSync(folder)).toEqual(["keep.csv"]);
  });

  it("hides symlinks and in-progress uploads from the list", async () => {
    const workspaceId = await createWorkspace();
    const folder = await getWorkspaceFileFolder({ workspaceId });
    writeFileSync(join(folder, ".upload-abc.part"), "partial");
    symlinkSync(join(env.DATA_DIR, "secrets.json"), join(folder, "secrets.json"));
    await upload(workspaceId, "ok.csv", "id\n1\n");
    expect((await listWorkspaceFiles({ workspaceId })).map((f) => f.path)).toEqual(["ok.csv"]);
  });
});

describe("connectors that read server files get their workspace's folder from the service", () => {
  it("the folder is set last, whatever the stored config says, and other connectors get nothing", async () => {
    const workspaceId = await createWorkspace();
    const duckdb = findConnector("duckdb")!;
    const prepared = await prepareConnectorConfig({ connector: duckdb, workspaceId, config: { mode: "files", files: "x.csv", fileRoot: "/" } });
    expect(prepared.fileRoot).toBe(await getWorkspaceFileFolder({ workspaceId }));
    const postgres = findConnector("postgres")!;
    expect(await prepareConnectorConfig({ connector: postgres, workspaceId, config: { host: "h" } })).toEqual({ host: "h" });
  });

  it("Test reads the workspace's own file and refuses another workspace's", async () => {
    const mine = await createWorkspace();
    const theirs = await createWorkspace();
    await upload(mine, "people.csv", "id,name\n1,Al\n");
    await upload(theirs, "private.csv", "id,secret\n1,x\n");
    expect(await testConnection({ workspaceId: mine, type: "duckdb", config: { mode: "files", files: "people.csv" } })).toEqual({
      ok: true,
      message: "DuckDB read people.csv as table files.data with 2 columns.",
    });
    // A user-supplied fileRoot is stripped by the schema and overwritten by the service.
    const sneaky = await testConnection({ workspaceId: mine, type: "duckdb", config: { mode: "files", files: "private.csv", fileRoot: join(env.FILE_SOURCES_DIR, theirs) } });
    expect(sneaky).toMatchObject({ ok: false, message: expect.stringMatching(/private\.csv does not exist in this workspace's file folder/) });
    expect(existsSync(join(env.FILE_SOURCES_DIR, theirs, "private.csv"))).toBe(true);
  });
});

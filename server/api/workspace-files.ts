/**
 * The workspace's file folder over HTTP: list, upload (the raw body, streamed to disk under a size
 * limit) and delete. Called by the DuckDB connection form with the session cookie.
 */
import { env } from "~/env.js";
import { deleteWorkspaceFile } from "~/server/services/file-sources/delete-workspace-file";
import { listWorkspaceFiles } from "~/server/services/file-sources/list-workspace-files";
import { uploadWorkspaceFile, UploadTooLargeError } from "~/server/services/file-sources/upload-workspace-file";
import { withWorkspaceSession } from "./with-workspace-session";

export const listWorkspaceFilesHandler = withWorkspaceSession(
  async (_request, { workspaceId }) => Response.json({ files: await listWorkspaceFiles({ workspaceId }) }),
  { permission: "files.upload" },
);

/** `POST ?name=users.csv[&replace=1]` with the file's bytes as the body; 413 over FILE_UPLOAD_MAX_BYTES. */
export const uploadWorkspaceFileHandler = withWorkspaceSession(
  async (request, { workspaceId, actor }) => {
    const url = new URL(request.url);
    const length = request.headers.get("content-length");
    try {
      const file = await uploadWorkspaceFile({
        workspaceId,
        fileName: url.searchParams.get("name") ?? "",
        body: request.body,
        declaredBytes: length === null ? null : Number(length),
        maxBytes: env.FILE_UPLOAD_MAX_BYTES,
        replace: url.searchParams.get("replace") === "1",
        actor,
      });
      return Response.json({ file }, { status: 201 });
    } catch (error) {
      if (!(error instanceof UploadTooLargeError)) throw error;
      return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: error.message, details: {} } }, { status: 413 });
    }
  },
  { permission: "files.upload" },
);

/** `DELETE ?name=users.csv` */
export const deleteWorkspaceFileHandler = withWorkspaceSession(
  async (request, { workspaceId, actor }) => {
    await deleteWorkspaceFile({ workspaceId, name: new URL(request.url).searchParams.get("name") ?? "", actor });
    return new Response(null, { status: 204 });
  },
  { permission: "files.upload" },
);

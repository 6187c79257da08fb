import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError } from "~/server/lib/errors";
import { type Actor, recordAuditEntry } from "~/server/services/audit/record-audit-entry";
import { parseFileSourceName, suggestFileSourceName } from "./file-source-name";
import { getWorkspaceFileFolder } from "./workspace-file-folder";

/** The body is larger than the limit; the route answers 413. */
export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the upload limit of ${formatMegabytes(maxBytes)} (FILE_UPLOAD_MAX_BYTES).`);
  }
}

function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

export type UploadWorkspaceFileOptions = {
  workspaceId: string;
  /** The browser's file name; it is reduced to the safe charset before it is checked. */
  fileName: string;
  body: ReadableStream<Uint8Array> | null;
  /** Content-Length when the client sent one: refused up front when it is over the limit. */
  declaredBytes: number | null;
  maxBytes: number;
  /** Replace an existing file of that name; otherwise an existing file is a conflict. */
  replace: boolean;
  actor: Actor;
};

/**
 * Streams an upload into the workspace's folder without holding it in memory: into a hidden temporary
 * file (which sources and listings skip), counted against the limit, then moved to its name in one
 * step. Without `replace`, `link` refuses an existing name atomically, so nothing is overwritten by a
 * race either.
 */
export async function uploadWorkspaceFile({ workspaceId, fileName, body, declaredBytes, maxBytes, replace, actor }: UploadWorkspaceFileOptions) {
  const name = parseFileSourceName(suggestFileSourceName(fileName));
  if (declaredBytes !== null && declaredBytes > maxBytes) throw new UploadTooLargeError(maxBytes);
  if (!body) throw new AppError("BAD_REQUEST", "The upload is empty: send the file's bytes as the request body.");
  const folder = await getWorkspaceFileFolder({ workspaceId });
  const target = join(folder, name);
  if (!replace && (await stat(target).catch(() => undefined))) throw conflict(name);
  const temporary = join(folder, `.upload-${randomBytes(8).toString("hex")}.part`);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      callback(received > maxBytes ? new UploadTooLargeError(maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), limit, createWriteStream(temporary, { flags: "wx", mode: 0o640 }));
    if (received === 0) throw new AppError("BAD_REQUEST", "The file is empty.");
    if (replace) await rename(temporary, target);
    else {
      await link(temporary, target).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "EEXIST" ? conflict(name) : error;
      });
    }
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await recordAuditEntry({ workspaceId, actor, action: "file.upload", targetType: "file", targetId: name, targetName: name, details: { bytes: received, replaced: replace } });
  const info = await stat(target);
  return { name, path: name, size: info.size, modifiedAt: info.mtime };
}

function conflict(name: string): AppError {
  return new AppError("CONFLICT", `A file named ${name} already exists in this workspace. Replace it, or rename your file.`, { fieldErrors: { name: "A file with this name already exists." } });
}

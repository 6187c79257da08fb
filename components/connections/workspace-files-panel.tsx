"use client";

import { SAME_ORIGIN_HEADER } from "~/server/api/same-origin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileUp, Trash2 } from "lucide-react";
import { useId, useRef, useState } from "react";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { Spinner } from "~/components/ui/spinner";

/** The header that proves the request comes from the app's own pages (server/api/same-origin.ts). */
const sameOriginHeaders = { [SAME_ORIGIN_HEADER]: "tidewater-web" };

type WorkspaceFile = { name: string; path: string; size: number; modifiedAt: string };
type ApiError = { error?: { message?: string } };

const ACCEPT = ".csv,.tsv,.parquet,.json,.jsonl,.ndjson,.duckdb";

class UploadConflict extends Error {}

async function readError(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as ApiError;
  return body.error?.message ?? `The server answered ${response.status}.`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * The workspace's file folder, next to a DuckDB connection's path fields: upload a CSV, Parquet, JSON
 * or DuckDB file, see what is there, use one for this connection, delete one. An existing name is
 * only replaced after the member confirms.
 */
export function WorkspaceFilesPanel({ workspaceId, onUse }: { workspaceId: string; onUse: (file: WorkspaceFile) => void }) {
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const endpoint = `/api/workspaces/${encodeURIComponent(workspaceId)}/files`;
  const queryKey = ["workspace-files", workspaceId];
  const [pendingReplace, setPendingReplace] = useState<File | null>(null);
  const [pendingDelete, setPendingDelete] = useState<WorkspaceFile | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const files = useQuery({
    queryKey,
    queryFn: async () => {
      const response = await fetch(endpoint, { credentials: "same-origin", headers: sameOriginHeaders });
      if (!response.ok) throw new Error(await readError(response));
      return ((await response.json()) as { files: WorkspaceFile[] }).files;
    },
  });

  const upload = useMutation({
    mutationFn: async ({ file, replace }: { file: File; replace: boolean }) => {
      const response = await fetch(`${endpoint}?name=${encodeURIComponent(file.name)}${replace ? "&replace=1" : ""}`, {
        method: "POST",
        body: file,
        headers: { ...sameOriginHeaders, "content-type": "application/octet-stream" },
        credentials: "same-origin",
      });
      if (response.status === 409) throw new UploadConflict(await readError(response));
      if (!response.ok) throw new Error(await readError(response));
      return ((await response.json()) as { file: WorkspaceFile }).file;
    },
    onSuccess: async (file) => {
      setNotice(`Uploaded ${file.name} (${formatSize(file.size)}).`);
      await queryClient.invalidateQueries({ queryKey });
      onUse(file);
    },
  });

  const remove = useMutation({
    mutationFn: async (file: WorkspaceFile) => {
      const response = await fetch(`${endpoint}?name=${encodeURIComponent(file.name)}`, { method: "DELETE", credentials: "same-origin", headers: sameOriginHeaders });
      if (!response.ok) throw new Error(await readError(response));
    },
    onSuccess: async (_, file) => {
      setNotice(`Deleted ${file.name}.`);
      setPendingDelete(null);
      await queryClient.invalidateQueries({ queryKey });
    },
  });

  const start = (file: File, replace: boolean) => {
    setNotice(null);
    upload.mutate(
      { file, replace },
      { onError: (error) => (error instanceof UploadConflict ? setPendingReplace(file) : undefined) },
    );
  };

  const uploadError = upload.error && !(upload.error instanceof UploadConflict) ? upload.error.message : null;

  return (
    <section aria-labelledby={headingId} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3 sm:p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h3 id={headingId} className="text-sm font-semibold text-slate-900">
            This workspace&apos;s files
          </h3>
          <p className="text-xs text-slate-500">Sources read only files in this workspace&apos;s folder. Upload one, then use it for this connection.</p>
        </div>
        <Button variant="secondary" size="sm" onClick={() => inputRef.current?.click()} isLoading={upload.isPending}>
          {upload.isPending ? null : <FileUp className="h-4 w-4" aria-hidden />}
          {upload.isPending ? "Uploading…" : "Upload a file"}
        </Button>
        <input
          ref={inputRef}
          type="file"
          accept={ACCEPT}
          className="sr-only"
          tabIndex={-1}
          aria-label="Upload a file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = "";
            if (file) start(file, false);
          }}
        />
      </div>
      {uploadError ? <Alert title="Upload failed">{uploadError}</Alert> : null}
      {remove.error ? <Alert title="Could not delete the file">{remove.error.message}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {files.isPending ? (
        <p className="flex items-center gap-2 text-sm text-slate-500" aria-busy="true">
          <Spinner className="h-4 w-4" /> Loading files…
        </p>
      ) : files.error ? (
        <Alert title="Could not list the files">{files.error.message}</Alert>
      ) : files.data.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white px-3 py-4 text-center text-sm text-slate-500">
          No files yet. Upload a .csv, .parquet, .json or .duckdb file to read it here.
        </p>
      ) : (
        <ul aria-label="Uploaded files" className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
          {files.data.map((file) => (
            <li key={file.path} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
              <span className="min-w-0 flex-1 break-all font-mono text-xs text-slate-800">{file.path}</span>
              <span className="text-xs text-slate-500">
                {formatSize(file.size)} · {dateFormat.format(new Date(file.modifiedAt))}
              </span>
              <span className="flex gap-1">
                <Button size="sm" variant="secondary" onClick={() => onUse(file)} aria-label={`Use ${file.path}`}>
                  Use
                </Button>
                {file.path === file.name ? (
                  <Button size="sm" variant="ghost" onClick={() => setPendingDelete(file)} aria-label={`Delete ${file.path}`}>
                    <Trash2 className="h-4 w-4" aria-hidden />
                  </Button>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={pendingReplace !== null}
        title="Replace the existing file?"
        confirmLabel="Replace"
        tone="danger"
        isLoading={upload.isPending}
        onCancel={() => {
          setPendingReplace(null);
          upload.reset();
        }}
        onConfirm={() => {
          const file = pendingReplace;
          setPendingReplace(null);
          if (file) start(file, true);
        }}
      >
        A file named {pendingReplace?.name} is already in this workspace. Connections that read it will read the new one.
      </ConfirmDialog>
      <ConfirmDialog
        open={pendingDelete !== null}
        title={`Delete ${pendingDelete?.path ?? "the file"}?`}
        confirmLabel="Delete"
        tone="danger"
        isLoading={remove.isPending}
        onCancel={() => setPendingDelete(null)}
        onConfirm={() => pendingDelete && remove.mutate(pendingDelete)}
      >
        Connections that read this file will fail until you upload it again.
      </ConfirmDialog>
    </section>
  );
}

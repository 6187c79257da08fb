import { AppError } from "~/server/lib/errors";

/** What members may upload: the formats DuckDB sources read, by extension. */
export const UPLOAD_EXTENSIONS = [".csv", ".tsv", ".parquet", ".json", ".jsonl", ".ndjson", ".duckdb"] as const;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A file name as it may exist in a workspace folder: letters, digits, dot, dash and underscore, not
 * starting with a dot, with an allowed extension. No separators, so it names a file directly in the
 * folder and nothing else.
 */
export function parseFileSourceName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.trim() : "";
  if (!name) throw new AppError("BAD_REQUEST", "Give the file a name.", { fieldErrors: { name: "Give the file a name." } });
  if (!SAFE_NAME.test(name) || name.includes("..")) {
    const message = "File names may use letters, digits, '.', '-' and '_' (up to 128, not starting with a dot), with no folders.";
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { name: message } });
  }
  const lower = name.toLowerCase();
  if (!UPLOAD_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
    const message = `Only ${UPLOAD_EXTENSIONS.join(", ")} files can be uploaded.`;
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { name: message } });
  }
  return name;
}

/** The safe name a browser's file name suggests (spaces and other characters become '-'), for the upload form. */
export function suggestFileSourceName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? "";
  return base.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.\-_]+/, "").slice(0, 128);
}

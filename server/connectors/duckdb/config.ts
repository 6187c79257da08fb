import { z } from "zod";
import type { FILE_ROOT_KEY } from "../types";

/** File formats the files mode reads, by extension (an optional .gz after it). */
export const FILE_FORMATS = { parquet: /\.(parquet|pq)$/i, csv: /\.(csv|tsv|txt)(\.gz)?$/i, json: /\.(json|jsonl|ndjson)(\.gz)?$/i } as const;

export type FileFormat = keyof typeof FILE_FORMATS;

export function inferFileFormat(pattern: string): FileFormat | undefined {
  return (Object.keys(FILE_FORMATS) as FileFormat[]).find((format) => FILE_FORMATS[format].test(pattern));
}

export const duckdbConfigSchema = z
  .object({
    mode: z.enum(["database", "files"]).meta({
      label: "Read from",
      widget: "select",
      optionLabels: { database: "A DuckDB database file", files: "Parquet, CSV or JSON files" },
    }),
    path: z.string().trim().optional().meta({
      label: "Database file",
      help: "A .duckdb file in this workspace's file folder, e.g. warehouse.duckdb (upload it below, or ask your operator to place it). It is opened read-only; its tables and views are listed by schema.",
      placeholder: "warehouse.duckdb",
    }),
    files: z.string().trim().optional().meta({
      label: "Files",
      help: "A file or glob in this workspace's file folder, e.g. users.csv or exports/*.parquet (upload files below). The format follows the extension (.parquet, .csv, .tsv, .json, .jsonl). All matching files appear as one table, files.data, so they must share their columns.",
      placeholder: "users.csv",
    }),
  })
  .superRefine((c, ctx) => {
    for (const field of ["path", "files"] as const) {
      const value = c[field];
      if (!value) continue;
      if (/^([a-zA-Z]:)?[\\/]/.test(value)) {
        ctx.addIssue({ code: "custom", path: [field], message: "Enter a path relative to this workspace's file folder, e.g. users.csv or exports/*.parquet: absolute paths are not accepted." });
      } else if (value.split(/[\\/]+/).includes("..")) {
        ctx.addIssue({ code: "custom", path: [field], message: 'Paths cannot contain "..": files are read only from this workspace\'s file folder.' });
      }
    }
    if (c.mode === "database" && !c.path) {
      ctx.addIssue({ code: "custom", path: ["path"], message: "Enter the path of the DuckDB database file." });
    }
    if (c.mode === "files") {
      if (!c.files) ctx.addIssue({ code: "custom", path: ["files"], message: "Enter a path or glob of Parquet, CSV or JSON files." });
      else if (!inferFileFormat(c.files)) {
        ctx.addIssue({ code: "custom", path: ["files"], message: "The files must end in .parquet, .csv, .tsv, .json or .jsonl so the format is known." });
      }
    }
  });

/** What the connector receives: the user's settings plus the workspace folder a service adds (types.ts). */
export type DuckdbConfig = z.output<typeof duckdbConfigSchema> & { [K in typeof FILE_ROOT_KEY]?: string };

/** Where files mode exposes the matched files. */
export const FILES_TABLE = { schema: "files", table: "data" } as const;

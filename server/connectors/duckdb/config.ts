import { z } from "zod";

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
      help: "Path on the server to a .duckdb file. It is opened read-only; its tables and views are listed by schema.",
      placeholder: "/data/warehouse.duckdb",
    }),
    files: z.string().trim().optional().meta({
      label: "Files",
      help: "Path or glob of files on the server, e.g. /data/users/*.parquet. The format follows the extension (.parquet, .csv, .tsv, .json, .jsonl). All matching files appear as one table, files.data, so they must share their columns.",
      placeholder: "/data/users/*.parquet",
    }),
  })
  .superRefine((c, ctx) => {
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

export type DuckdbConfig = z.output<typeof duckdbConfigSchema>;

/** Where files mode exposes the matched files. */
export const FILES_TABLE = { schema: "files", table: "data" } as const;

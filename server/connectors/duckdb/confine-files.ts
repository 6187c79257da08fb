/**
 * Turns the path or glob a user typed into the real paths of regular files inside the workspace's
 * folder (FILE_SOURCES_DIR/<workspaceId>), or refuses. Everything is decided on real paths, after
 * symbolic links and `..` are resolved, so neither can lead out; DuckDB then gets this explicit list,
 * and the same list as its `allowed_paths`, as a second wall.
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { glob } from "tinyglobby";
import { SourceQueryError } from "../errors";

const GLOB_CHARS = /[*?[\]{}]/;

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return !(rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

function outsideError(input: string): SourceQueryError {
  return new SourceQueryError(
    `${input} is outside this workspace's file folder. Enter a path relative to it (for example users.csv or exports/*.parquet), or upload the file.`,
    { code: "EACCES" },
  );
}

/** The workspace folder's real path; a connector without one reads nothing. */
async function realRootOf(root: string | undefined): Promise<string> {
  if (!root) throw new SourceQueryError("File sources are not available here: the server gave this connection no workspace folder.", { code: "EACCES" });
  return realpath(root).catch(() => {
    throw new SourceQueryError("This workspace's file folder does not exist yet: upload a file first.", { code: "ENOENT" });
  });
}

/** The input as a path relative to the workspace folder, refusing absolute paths elsewhere and `..`. */
function toRelative(input: string, root: string, realRoot: string): string {
  if (input.includes("\0")) throw new SourceQueryError("The path contains a NUL character.");
  let rel = input;
  if (isAbsolute(input)) {
    const base = [root, realRoot].find((folder) => isInside(input, folder));
    if (base === undefined) throw outsideError(input);
    rel = relative(base, input);
  }
  if (rel.split(/[\\/]+/).includes("..")) {
    throw new SourceQueryError(`${input} contains "..": paths cannot leave this workspace's file folder.`, { code: "EACCES" });
  }
  return rel;
}

/** The real path of one match, if it is a regular file inside the folder and DuckDB will not glob it again. */
async function confineMatch(candidate: string, shown: string, realRoot: string): Promise<string> {
  const real = await realpath(candidate).catch(() => {
    throw new SourceQueryError(`${shown} does not exist in this workspace's file folder.`, { code: "ENOENT" });
  });
  if (!isInside(real, realRoot)) {
    throw new SourceQueryError(`${shown} is a link to a file outside this workspace's file folder, which file sources may not read.`, { code: "EACCES" });
  }
  if (!(await stat(real)).isFile()) throw new SourceQueryError(`${shown} is not a file.`, { code: "EISDIR" });
  if (GLOB_CHARS.test(real)) throw new SourceQueryError(`${shown}: rename the file without * ? [ ] { } in its path.`);
  return real;
}

/** One file (a database file): its real path inside the workspace folder. */
export async function confineFile(root: string | undefined, input: string): Promise<string> {
  const realRoot = await realRootOf(root);
  const rel = toRelative(input, root!, realRoot);
  return confineMatch(join(realRoot, rel), input, realRoot);
}

/** A path or glob: the sorted real paths of every matching file, all inside the workspace folder. */
export async function confineFiles(root: string | undefined, input: string): Promise<string[]> {
  const realRoot = await realRootOf(root);
  const rel = toRelative(input, root!, realRoot);
  if (!GLOB_CHARS.test(rel)) return [await confineMatch(join(realRoot, rel), input, realRoot)];
  const matches = await glob(rel, { cwd: realRoot, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: false, expandDirectories: false });
  if (matches.length === 0) throw new SourceQueryError(`No files match ${input} in this workspace's file folder.`, { code: "ENOENT" });
  const real = await Promise.all(matches.map((match) => confineMatch(match, relative(realRoot, match), realRoot)));
  return [...new Set(real)].sort();
}

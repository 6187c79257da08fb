// Every test process gets its own data folder and keys, so tests never touch a developer's ./.data.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

process.env.DATA_DIR ??= mkdtempSync(join(process.env.TIDEWATER_TEST_ROOT ?? tmpdir(), "data-"));
process.env.FILE_SOURCES_DIR ??= mkdtempSync(join(process.env.TIDEWATER_TEST_ROOT ?? tmpdir(), "file-sources-"));
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
process.env.LOG_LEVEL ??= "warn";

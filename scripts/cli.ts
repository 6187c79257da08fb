// Admin CLI for self-hosters and automation: `npm run cli -- <command>`. Works against the configured
// database (embedded under DATA_DIR, or DATABASE_URL).
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { embeddedSecretsPath, env } from "~/env.js";
import { closeDb, getDatabaseKind } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { rotateEncryptionKey } from "~/server/services/connections/rotate-encryption-key";
import { bootstrapWorkspace } from "~/server/services/workspaces/bootstrap-workspace";

const USAGE = `Usage:
  npm run cli -- bootstrap --email <email> --password <password> --workspace <name>
      Creates (or reuses) the user as ADMIN of the workspace and prints
      {"workspaceId": "...", "workspaceSlug": "...", "apiToken": "..."} (the token is shown once).
  npm run cli -- rotate-key [--new-key <base64 32 bytes>]
      Re-encrypts every stored credential under a new key. Embedded mode updates the data folder's
      secrets.json; with DATABASE_URL, set ENCRYPTION_KEY to the printed key on every instance afterwards.`;

function writeEmbeddedSecrets(update: Record<string, string | undefined>) {
  const path = embeddedSecretsPath(env.DATA_DIR);
  const current = JSON.parse(readFileSync(path, "utf8")) as Record<string, string | undefined>;
  const next = JSON.stringify({ ...current, ...update }, null, 2);
  writeFileSync(`${path}.tmp`, next, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === "bootstrap") {
    const { values } = parseArgs({ args: rest, options: { email: { type: "string" }, password: { type: "string" }, workspace: { type: "string" } } });
    if (!values.email || !values.password || !values.workspace) throw new AppError("BAD_REQUEST", "bootstrap needs --email, --password and --workspace.");
    const result = await bootstrapWorkspace({ email: values.email, password: values.password, workspaceName: values.workspace });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (command === "rotate-key") {
    const { values } = parseArgs({ args: rest, options: { "new-key": { type: "string" } } });
    const newKey = values["new-key"] ?? randomBytes(32).toString("base64");
    if (Buffer.from(newKey, "base64").length !== 32) throw new AppError("BAD_REQUEST", "--new-key must be 32 bytes encoded as base64 (openssl rand -base64 32).");
    const oldKeys = [env.ENCRYPTION_KEY, env.ENCRYPTION_KEY_PREVIOUS].filter((k): k is string => Boolean(k));
    const embedded = getDatabaseKind() === "embedded" && !process.env.ENCRYPTION_KEY;
    // Record the new key before re-encrypting, so a crash in between never leaves data under a lost key.
    if (embedded) writeEmbeddedSecrets({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: env.ENCRYPTION_KEY });
    const count = await rotateEncryptionKey({ newKey, oldKeys });
    if (embedded) {
      writeEmbeddedSecrets({ ENCRYPTION_KEY_PREVIOUS: undefined });
      console.error(`Re-encrypted ${count} stored secret(s) (connections and alert channels); the new key is stored in the data folder.`);
    } else {
      console.error(`Re-encrypted ${count} stored secret(s) (connections and alert channels). Set ENCRYPTION_KEY to this value on every instance now:`);
      process.stdout.write(`${newKey}\n`);
    }
    return;
  }
  console.error(USAGE);
  process.exitCode = command ? 2 : 0;
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof AppError ? `Error: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await closeDb();
}

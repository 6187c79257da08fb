/**
 * The resume guarantee's record: a delivery batch's keys are saved before the batch goes out and
 * forgotten in the transaction that commits the last page holding its records. Whatever a step finds
 * still saved when it starts was sent (or about to be) by a step that died before committing it: those
 * records are read and sent again, so the run log lists their keys as possibly sent twice.
 */
import { jsonParameter } from "./json-parameter";
import { appendRunLog, PAGE_TRANSACTION, type DbClient } from "./run-status";
import { getDb } from "~/server/db/client";

/** Characters of keys per log line, under the log's line length, so every key is listed whole. */
const KEY_TEXT_PER_LINE = 3000;

/** The keys in comma-separated parts of at most KEY_TEXT_PER_LINE characters (a longer key is a part of its own). */
function splitKeyText(keys: string[]): { first: number; text: string }[] {
  const parts: { first: number; text: string }[] = [];
  keys.forEach((key, i) => {
    const last = parts.at(-1);
    if (last && last.text.length + key.length + 2 <= KEY_TEXT_PER_LINE) last.text += `, ${key}`;
    else parts.push({ first: i + 1, text: key });
  });
  return parts;
}

/** Saves a batch's keys before it goes out; answers the saved row's id (see forgetUnsentBatch). */
export async function saveSentBatch(client: DbClient, run: { id: string; workspaceId: string }, lastPage: number, keys: string[]): Promise<bigint> {
  const [row] = await client.$queryRaw<{ id: bigint }[]>`INSERT INTO "SyncSentBatch" ("workspaceId", "runId", "lastPage", "keys")
    VALUES (${run.workspaceId}, ${run.id}, ${lastPage}, ARRAY(SELECT json_array_elements_text(${jsonParameter(keys)}::json)))
    RETURNING "id"`;
  return row!.id;
}

/** Forgets a batch saved ahead of sending that was not sent after all: its keys cannot arrive twice. */
export async function forgetUnsentBatch(client: DbClient, id: bigint): Promise<void> {
  await client.syncSentBatch.deleteMany({ where: { id } });
}

/** Forgets the run's batches whose records are all settled once page `throughPage` commits (all of them without it). */
export async function forgetSentBatches(client: DbClient, runId: string, throughPage?: number): Promise<void> {
  await client.syncSentBatch.deleteMany({ where: { runId, ...(throughPage === undefined ? {} : { lastPage: { lte: throughPage } }) } });
}

/** Lists the keys of batches a step that stopped left unsettled in the run log, then forgets them. */
export async function reportUnsettledBatches(run: { id: string; workspaceId: string }): Promise<void> {
  const db = await getDb();
  const batches = await db.syncSentBatch.findMany({ where: { runId: run.id, workspaceId: run.workspaceId }, orderBy: { id: "asc" }, select: { keys: true } });
  if (batches.length === 0) return;
  const keys = [...new Set(batches.flatMap((b) => b.keys))];
  await db.$transaction(async (tx) => {
    for (const part of splitKeyText(keys)) {
      const message =
        part.first === 1
          ? `These ${keys.length} keys were in ${batches.length} batches sent before the run stopped without committing them, and may have been sent twice: ${part.text}`
          : `May have been sent twice (continued, from key ${part.first}): ${part.text}`;
      await appendRunLog(run.id, "warn", "resume", message, tx);
    }
    await forgetSentBatches(tx, run.id);
  }, PAGE_TRANSACTION);
}

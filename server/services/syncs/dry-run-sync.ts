import { countInvalidRows, sampleRecords, WHOLE_MODEL_MAX_MS, type DryRunSample, type InvalidRowCount } from "~/server/sync/dry-run";
import { AppError } from "~/server/lib/errors";
import { decodeCursor, type PageCursor } from "~/server/sync/cursor";
import { loadDryRunContext, withDryRunSourceErrors, type DryRunTarget } from "./load-dry-run-context";

/** Reads of the sample and of the whole model stop after this, whatever the source's own timeout. */
const SAMPLE_TIMEOUT_MS = 30_000;

export type DryRunResult = {
  destination: { label: string; object: string; objectLabel: string; behavior: string };
  keyColumn: string;
  sample: DryRunSample;
  /** Only when asked for: the whole model read page by page, invalid rows counted by field and reason. */
  wholeModel: InvalidRowCount | null;
};

/**
 * What the next run of a saved sync, or of the sync form's definition, would send: a sample of up to
 * 50 rows with each payload and its fate, and on request the whole model's invalid rows by field and
 * reason. Nothing is sent to the destination and nothing is written: saved states are only read.
 */
export async function dryRunSync({ workspaceId, target, wholeModel = false }: { workspaceId: string; target: DryRunTarget; wholeModel?: boolean }): Promise<DryRunResult> {
  const { syncId, context } = await loadDryRunContext({ workspaceId, target });
  const { source, destination, object, settings } = context;
  const sample = await withDryRunSourceErrors(source.label, () => sampleRecords({ context, syncId, signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS) }));
  const counted = wholeModel
    ? await withDryRunSourceErrors(source.label, () => countInvalidRows({ context, maxMs: WHOLE_MODEL_MAX_MS, signal: AbortSignal.timeout(WHOLE_MODEL_MAX_MS + SAMPLE_TIMEOUT_MS) }))
    : null;
  return {
    destination: { label: destination.label, object: object.id, objectLabel: object.label, behavior: settings.behavior },
    keyColumn: settings.syncKey.column,
    sample,
    wholeModel: counted,
  };
}

/** How long one part of the browser's whole-model check reads: short enough for a live progress bar. */
const WHOLE_MODEL_PART_MS = 3_000;

/**
 * One part of "Check the whole model": up to about three seconds of pages from `after` (the previous
 * part's nextCursor; none for the first part, which also counts the model's rows). The browser calls
 * it until nextCursor is null, adding the parts up, so a model of any size is checked with a live
 * progress bar and can be stopped between parts. Nothing is sent and nothing is written.
 */
export async function checkWholeModelPart({
  workspaceId,
  target,
  after,
  partMs = WHOLE_MODEL_PART_MS,
  pageSize,
}: {
  workspaceId: string;
  target: DryRunTarget;
  after?: string;
  /** Tests make parts small; the router never passes these. */
  partMs?: number;
  pageSize?: number;
}): Promise<InvalidRowCount> {
  const cursor = parseCheckCursor(after);
  const { context } = await loadDryRunContext({ workspaceId, target });
  return withDryRunSourceErrors(context.source.label, () =>
    countInvalidRows({ context, after: cursor, maxMs: partMs, pageSize, signal: AbortSignal.timeout(partMs + SAMPLE_TIMEOUT_MS) }),
  );
}

function parseCheckCursor(after: string | undefined): PageCursor | null {
  if (after === undefined) return null;
  try {
    const cursor = decodeCursor(after);
    if (cursor && Number.isInteger(cursor.seen) && cursor.seen >= 0) return cursor;
  } catch {
    // Answered below: the cursor was not one this check handed out.
  }
  throw new AppError("BAD_REQUEST", "This whole-model check cannot continue from where it was (the cursor is not valid); start the check again.");
}

import { countInvalidRows, sampleRecords, WHOLE_MODEL_MAX_MS, type DryRunSample, type InvalidRowCount } from "~/server/sync/dry-run";
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

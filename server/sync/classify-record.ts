/**
 * What a run decides about one row before anything is sent (the record itself is built and checked by
 * build-record.ts): its size against the destination's documented limits, a duplicate key; then, against the saved state,
 * whether it is a create, an update or unchanged. The engine (engine.ts) and the dry run (dry-run.ts)
 * both decide through these functions, so a dry run shows exactly what the next run would do.
 */
import type { DestinationConnector, DestinationObject, FieldProblem, OutRecord } from "~/server/connectors/types";
import { matchesStoredHash } from "./hash";
import type { StoredState } from "./record-state";

export type RecordChange = "create" | "update" | "unchanged";

type AnyDestination = DestinationConnector<unknown>;

/**
 * A second row with a key already seen in this run is invalid. Rows come in key order, so the first row
 * of a key is the one synced; `position` names both rows when known.
 */
export function duplicateKeyProblem(keyColumn: string, key: string, position?: { kept: number; rowNumber: number }): FieldProblem {
  const which = position ? `only row ${position.kept}, the first row with this key in key order, is synced; row ${position.rowNumber} is not` : "only the first row with this key in key order is synced";
  return { field: keyColumn, reason: `duplicate sync key '${key}' in column ${keyColumn}: ${which}` };
}

/**
 * Create, update or unchanged, from the state saved when the destination last accepted this key.
 * A rejected key has no accepted hash and is sent again; Update Only never creates (a key this sync
 * has not delivered is still sent as an update); an event goes out once per key, whatever changes later.
 */
export function decideChange(p: { state: StoredState | undefined; record: OutRecord; hash: string; isEvent: boolean; updateOnly: boolean }): RecordChange {
  const { state } = p;
  if (!state || state.payloadHash === null) return p.updateOnly ? "update" : "create";
  if (p.isEvent || matchesStoredHash(p.record, p.hash, state.payloadHash)) return "unchanged";
  return "update";
}

/**
 * The record's size in a request body (0 when the object documents no byte limit), and a problem when
 * it alone is over the limit: such a record can never be sent.
 */
export function measureRecordSize(p: { destination: AnyDestination; object: DestinationObject; record: OutRecord }): { bytes: number; problem?: FieldProblem } {
  const { maxBatchBytes, maxRecordBytes } = p.object.limits;
  if (maxBatchBytes === undefined && maxRecordBytes === undefined) return { bytes: 0 };
  const bytes = p.destination.measureRecord({ object: p.object, record: p.record });
  const limit = Math.min(maxRecordBytes ?? Infinity, maxBatchBytes ?? Infinity);
  if (bytes <= limit) return { bytes };
  return { bytes, problem: { reason: `record is ${bytes} bytes, over ${p.destination.label}'s limit of ${limit} bytes per record` } };
}

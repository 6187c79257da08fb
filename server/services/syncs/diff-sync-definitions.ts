import diff from "microdiff";

/** One field that differs between two saved definitions of a sync; `before`/`after` are null when absent. */
export type SyncChange = { field: string; label: string; before: unknown; after: unknown };

type Definition = Record<string, unknown> & { mappings?: unknown };

const LABELS: Record<string, string> = {
  name: "Name",
  sourceId: "Source",
  destinationId: "Destination",
  enabled: "Enabled",
  model: "Model",
  object: "Destination object",
  behavior: "Behaviour",
  syncKey: "Sync key",
  syncAllColumns: "Sync all columns",
  event: "Event",
  initialSync: "Initial sync",
  schedule: "Schedule",
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function labelFor(key: string): string {
  return LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
}

/** A mapping saved before its policy and transforms existed equals one that spells out their defaults. */
function withoutDefaults(mapping: Record<string, unknown>): Record<string, unknown> {
  const { onInvalid, transforms, ...rest } = mapping;
  return {
    ...rest,
    ...(onInvalid !== undefined && onInvalid !== "skip_row" ? { onInvalid } : {}),
    ...(Array.isArray(transforms) && transforms.length > 0 ? { transforms } : {}),
  };
}

/**
 * Mappings are compared by destination field, so reordering rows is not a change and an edited row
 * reads as one change of that field rather than shifted array positions.
 */
function diffMappings(before: unknown, after: unknown): SyncChange[] {
  const byField = (mappings: unknown) => new Map((Array.isArray(mappings) ? mappings : []).filter(isPlainObject).map((m) => [String(m.to), withoutDefaults(m)]));
  const old = byField(before);
  const next = byField(after);
  const changes: SyncChange[] = [];
  for (const field of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(field) ?? null;
    const b = next.get(field) ?? null;
    if (a && b && diff(a, b).length === 0) continue;
    changes.push({ field: `mappings.${field}`, label: `Mapping → ${field}`, before: a, after: b });
  }
  return changes;
}

/** What changed from `before` to `after`, field by field, in the definition's own field order. */
export function diffSyncDefinitions(before: Definition, after: Definition): SyncChange[] {
  const changes: SyncChange[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (key === "mappings") {
      changes.push(...diffMappings(a, b));
      continue;
    }
    if (diff({ value: a }, { value: b }).length === 0) continue;
    // A nested setting (the model, the schedule, the event) reads best one sub-field at a time, unless its kind changed.
    if (isPlainObject(a) && isPlainObject(b) && a.type === b.type) {
      for (const sub of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const subBefore = a[sub] ?? null;
        const subAfter = b[sub] ?? null;
        if (diff({ value: subBefore }, { value: subAfter }).length > 0) changes.push({ field: `${key}.${sub}`, label: `${labelFor(key)} › ${labelFor(sub)}`, before: subBefore, after: subAfter });
      }
      continue;
    }
    changes.push({ field: key, label: labelFor(key), before: a, after: b });
  }
  return changes;
}

import type { ColumnType, DestinationObject, FieldType } from "~/server/connectors/types";
import { CONNECTORS, describeConfigFields } from "~/server/connectors/registry";
import { defaultFieldType } from "~/server/sync/definition";

const COLUMN_TYPES: readonly ColumnType[] = ["string", "number", "boolean", "date", "json", "unknown"];

function describeObject(o: DestinationObject) {
  return {
    id: o.id,
    label: o.label,
    type: o.type,
    behaviors: o.behaviors,
    identifiers: o.identifiers,
    standardFields: o.standardFields,
    supportsEventId: o.supportsEventId,
    objectValues: o.objectValues,
    /** The type a new mapping of a column of each logical type starts with (the form's default). */
    defaultFieldTypes: Object.fromEntries(COLUMN_TYPES.map((t) => [t, defaultFieldType(t, o)])) as Record<ColumnType, FieldType>,
  };
}

/** The catalogue behind "+ New Source" / "+ New Destination": each type with the form its config needs. */
export function listConnectorTypes() {
  return CONNECTORS.map((c) => ({
    id: c.id,
    kind: c.kind,
    label: c.label,
    description: c.description,
    verified: c.verified,
    fields: describeConfigFields(c),
    objects: c.kind === "destination" ? c.objects.map(describeObject) : [],
  }));
}

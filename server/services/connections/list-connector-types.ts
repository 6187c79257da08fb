import { CONNECTORS, describeConfigFields } from "~/server/connectors/registry";

/** The catalogue behind "+ New Source" / "+ New Destination": each type with the form its config needs. */
export function listConnectorTypes() {
  return CONNECTORS.map((c) => ({
    id: c.id,
    kind: c.kind,
    label: c.label,
    description: c.description,
    verified: c.verified,
    fields: describeConfigFields(c),
    objects: c.kind === "destination" ? c.objects.map((o) => ({ id: o.id, label: o.label, type: o.type, behaviors: o.behaviors, identifiers: o.identifiers, standardFields: o.standardFields, supportsEventId: o.supportsEventId })) : [],
  }));
}

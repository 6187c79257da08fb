import type { ReactNode } from "react";
import type { SyncDefinitionBody } from "./sync-form-values";
import type { DestinationObjectView } from "./sync-types";

function describeModel(model: SyncDefinitionBody["model"]): string {
  if (model.type === "table") return model.schema ? `${model.schema}.${model.table}` : "—";
  const sql = model.sql.replace(/\s+/g, " ");
  return sql ? `SQL: ${sql.length > 80 ? `${sql.slice(0, 79)}…` : sql}` : "—";
}

/** "string · trim, E.164 (GB) · drops the field if invalid". */
function describeMappingType(m: SyncDefinitionBody["mappings"][number]): string {
  const transforms = m.transforms.map((t) => (t.type === "phone_e164" ? `E.164${t.defaultCountry ? ` (${t.defaultCountry})` : ""}` : t.type === "lowercase" ? "lower-case" : t.type));
  return [m.type, transforms.join(", "), m.onInvalid === "drop_field" ? "drops the field if invalid" : ""].filter(Boolean).join(" · ");
}

function describeFrom(from: SyncDefinitionBody["mappings"][number]["from"]): string {
  return "constant" in from ? `"${String(from.constant)}"` : (from.column ?? "—");
}

/** Also used on the sync page, so both say the same thing. */
export function describeChangeTracking(tracking: SyncDefinitionBody["changeTracking"] | undefined): string {
  if (!tracking) return "Off: every run reads and compares every row";
  const lookback = tracking.lookbackMinutes > 0 ? `, look-back ${tracking.lookbackMinutes} min` : "";
  return `Incremental: rows whose ${tracking.column} is past the last run's${lookback}; full compare every ${tracking.fullCompareHours} h`;
}

export type SummaryNames = { source?: string; destination?: string; object?: DestinationObjectView; scheduleDescription?: string };

/** "Confirm Sync Details": the definition in words, as it will be saved. */
export function SyncSummary({ definition, names }: { definition: SyncDefinitionBody; names: SummaryNames }) {
  const object = names.object;
  const behavior = object?.behaviors.find((b) => b.id === definition.behavior)?.label ?? definition.behavior;
  const identifierId = definition.event?.identifier ?? definition.syncKey.identifier ?? object?.identifiers[0]?.id;
  const identifier = object?.identifiers.find((i) => i.id === identifierId)?.label ?? identifierId;
  const rows: [string, ReactNode][] = [
    ["Source", `${names.source ?? "—"} · ${describeModel(definition.model)}`],
    ["Destination", `${names.destination ?? "—"} · ${object?.label ?? "—"}`],
    ["Behavior", behavior || "—"],
    ["Sync key", object?.type === "event" ? definition.syncKey.column || "—" : `${definition.syncKey.column || "—"} → ${identifier ?? "—"}`],
  ];
  if (definition.event) {
    const name = "column" in definition.event.name ? `from column ${definition.event.name.column || "—"}` : definition.event.name.constant ? `"${definition.event.name.constant}"` : "—";
    rows.push(["Event", `${name}; user ${definition.event.identityColumn || "—"} → ${identifier ?? "—"}${definition.event.idColumn ? `; id ${definition.event.idColumn}` : ""}`]);
  }
  rows.push([
    "Fields",
    definition.mappings.length ? (
      <ul className="space-y-0.5">
        {definition.mappings.map((m, i) => (
          <li key={i}>
            <span className="font-mono text-xs">{describeFrom(m.from)}</span> → {m.to || "—"} <span className="text-slate-500">({describeMappingType(m)})</span>
          </li>
        ))}
        {definition.syncAllColumns ? <li className="text-slate-500">and every other column under its own name</li> : null}
      </ul>
    ) : definition.syncAllColumns ? (
      "All columns, under their own names"
    ) : (
      "None yet"
    ),
  ]);
  rows.push(["Initial sync", definition.initialSync === "all" ? "Send all current rows" : "Skip current rows"]);
  rows.push(["Change tracking", describeChangeTracking(definition.changeTracking)]);
  rows.push(["Schedule", names.scheduleDescription ?? "—"]);
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]" aria-label="Sync details">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-medium text-slate-500">{label}</dt>
          <dd className="text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

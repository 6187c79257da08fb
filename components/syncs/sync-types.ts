import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>;

export type SyncView = Outputs["sync"]["get"];
export type SyncListItem = Outputs["sync"]["list"][number];
export type ConnectorTypeView = Outputs["connection"]["types"][number];
export type DestinationObjectView = ConnectorTypeView["objects"][number];
export type ConnectionListItem = Outputs["connection"]["list"][number];
export type ModelColumn = Outputs["connection"]["columns"][number];
export type FieldType = "string" | "number" | "date" | "boolean" | "json";
export type InvalidValuePolicy = "skip_row" | "drop_field";

export const FIELD_TYPE_LABELS: Record<FieldType, string> = { string: "String", number: "Number", date: "Date", boolean: "Boolean", json: "JSON" };

export type SyncStatusFilter = NonNullable<inferRouterInputs<AppRouter>["sync"]["list"]["status"]>;

import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type ConnectionOutputs = inferRouterOutputs<AppRouter>["connection"];

export type ConnectionKind = "source" | "destination";
export type ConnectorType = ConnectionOutputs["types"][number];
export type ConfigFieldView = ConnectorType["fields"][number];
export type ConnectionListItem = ConnectionOutputs["list"][number];
export type ConnectionDetail = ConnectionOutputs["get"];
export type ConnectionStatus = ConnectionDetail["status"];
export type SourceCatalogView = ConnectionOutputs["discover"];
export type PreviewResult = ConnectionOutputs["preview"];

export const KIND_LABELS: Record<ConnectionKind, { one: string; many: string }> = {
  destination: { one: "destination", many: "destinations" },
  source: { one: "source", many: "sources" },
};

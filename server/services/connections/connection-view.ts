import type { Connection } from "~/server/db/generated/client";
import { findConnector } from "~/server/connectors/registry";
import { maskConfig } from "./connection-secrets";

export type ConnectionView = {
  id: string;
  name: string;
  type: string;
  typeLabel: string;
  kind: "source" | "destination";
  verified: boolean;
  status: { ok: boolean | null; message: string | null; testedAt: Date | null };
  /** Only for roles that may configure connections; secret fields read as { set }. */
  config: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
};

export function toConnectionView(row: Connection, options: { includeConfig: boolean }): ConnectionView {
  const connector = findConnector(row.type);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    typeLabel: connector?.label ?? row.type,
    kind: row.kind === "SOURCE" ? "source" : "destination",
    verified: connector?.verified ?? false,
    status: { ok: row.lastTestOk, message: row.lastTestMessage, testedAt: row.lastTestedAt },
    config: options.includeConfig && connector ? maskConfig(connector, row) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

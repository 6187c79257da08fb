import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type AlertOutputs = inferRouterOutputs<AppRouter>["alert"];

export type AlertRules = AlertOutputs["settings"]["rules"];
export type ChannelKind = AlertOutputs["settings"]["channels"][number]["kind"];
export type AlertDelivery = AlertOutputs["deliveries"][number];

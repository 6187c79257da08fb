import { getRunOperation } from "~/server/api/rest/operations/runs";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const GET = toRouteHandler(getRunOperation);

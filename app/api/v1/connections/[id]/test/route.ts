import { testConnectionOperation } from "~/server/api/rest/operations/connections";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const POST = toRouteHandler(testConnectionOperation);

import { createConnectionOperation, listConnectionsOperation } from "~/server/api/rest/operations/connections";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const GET = toRouteHandler(listConnectionsOperation);
export const POST = toRouteHandler(createConnectionOperation);

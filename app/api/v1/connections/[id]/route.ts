import { deleteConnectionOperation, getConnectionOperation, updateConnectionOperation } from "~/server/api/rest/operations/connections";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const GET = toRouteHandler(getConnectionOperation);
export const PATCH = toRouteHandler(updateConnectionOperation);
export const DELETE = toRouteHandler(deleteConnectionOperation);

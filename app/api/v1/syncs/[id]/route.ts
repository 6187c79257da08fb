import { deleteSyncOperation, getSyncOperation, updateSyncOperation } from "~/server/api/rest/operations/syncs";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const GET = toRouteHandler(getSyncOperation);
export const PATCH = toRouteHandler(updateSyncOperation);
export const DELETE = toRouteHandler(deleteSyncOperation);

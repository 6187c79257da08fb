import { createSyncOperation, listSyncsOperation } from "~/server/api/rest/operations/syncs";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const GET = toRouteHandler(listSyncsOperation);
export const POST = toRouteHandler(createSyncOperation);

import { dryRunSyncOperation } from "~/server/api/rest/operations/syncs";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const POST = toRouteHandler(dryRunSyncOperation);

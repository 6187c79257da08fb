import { listSyncRunsOperation, triggerRunOperation } from "~/server/api/rest/operations/runs";
import { toRouteHandler } from "~/server/api/rest/operation";

export const dynamic = "force-dynamic";

export const GET = toRouteHandler(listSyncRunsOperation);
export const POST = toRouteHandler(triggerRunOperation);

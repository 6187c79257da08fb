/**
 * A run's record errors as a CSV download, for the signed-in UI (session cookie, started by a link) and
 * for automation (REST, API token). Both stream from one service and take the same filters.
 */
import { streamRunErrorsCsv } from "~/server/services/sync-runs/stream-run-errors-csv";
import { withApiToken } from "./rest/with-api-token";
import { ZRunErrorsCsvQuery, toRunErrorFilter } from "./rest/schemas/runs";
import { withWorkspaceSession } from "./with-workspace-session";

async function answerCsv(request: Request, workspaceId: string, runId: string): Promise<Response> {
  const query = ZRunErrorsCsvQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { fileName, stream } = await streamRunErrorsCsv({ workspaceId, runId, ...toRunErrorFilter(query) });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
}

/** `GET /api/workspaces/{workspaceId}/runs/{runId}/errors.csv` */
export const downloadRunErrorsCsvHandler = withWorkspaceSession((request, { workspaceId, params }) => answerCsv(request, workspaceId, params.runId ?? ""), {
  permission: "syncs.read",
  download: true,
});

/** `GET /api/v1/runs/{id}/errors.csv` */
export const restRunErrorsCsvHandler = withApiToken((request, { workspaceId, params }) => answerCsv(request, workspaceId, params.id ?? ""), { permission: "syncs.read" });

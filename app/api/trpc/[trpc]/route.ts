import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { NextRequest } from "next/server";
import { withBodyLimit } from "~/server/api/body-limit";
import { appRouter } from "~/server/api/root";
import { checkSameOrigin } from "~/server/api/same-origin";
import { createTRPCContext } from "~/server/api/trpc";
import { auth } from "~/server/auth";
import { getAppUrl } from "~/server/lib/app-url";

/** A refusal in tRPC's own error shape (superjson-wrapped), so the app's client shows its message. */
function refuse(status: number, code: TRPC_ERROR_CODE_KEY, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { json: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } } } }, { status, headers });
}

const handleTrpc = withBodyLimit(
  async (req: NextRequest) => {
    const session = await auth();
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      // Queries arrive as POST too (the client's methodOverride): nothing here answers GET.
      allowMethodOverride: true,
      createContext: () => createTRPCContext({ session, appUrl: getAppUrl(req) }),
    });
  },
  { onTooLarge: (error) => refuse(413, "PAYLOAD_TOO_LARGE", error.message) },
);

export async function POST(req: NextRequest): Promise<Response> {
  const verdict = checkSameOrigin(req.headers, new URL(getAppUrl(req)).origin);
  if (!verdict.ok) return refuse(403, "FORBIDDEN", verdict.reason);
  return handleTrpc(req);
}

/** GET would let a link or a top-level navigation from another site run a procedure with the user's cookie. */
export function GET(req: NextRequest): Response {
  const verdict = checkSameOrigin(req.headers, new URL(getAppUrl(req)).origin);
  if (!verdict.ok) return refuse(403, "FORBIDDEN", verdict.reason);
  return refuse(405, "METHOD_NOT_SUPPORTED", "The API accepts POST requests only.", { allow: "POST" });
}

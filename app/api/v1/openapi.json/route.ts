import { createOpenApiDocument } from "~/server/api/rest/openapi";

// GET /api/v1/openapi.json – public, so tools can read the API's description before they hold a token.
export function GET() {
  return Response.json(createOpenApiDocument());
}

import { getDb } from "~/server/db/client";

export const dynamic = "force-dynamic";

// GET /api/health – the database answers (load balancers and the e2e harness wait on this)
export async function GET() {
  try {
    const db = await getDb();
    await db.$queryRaw`SELECT 1`;
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: "database unavailable" }, { status: 503 });
  }
}

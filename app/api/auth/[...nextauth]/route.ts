import NextAuth from "next-auth";
import { withBodyLimit } from "~/server/api/body-limit";
import { authOptions } from "~/server/auth/config";

const handler = NextAuth(authOptions) as (req: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

export const GET = handler;
export const POST = withBodyLimit(handler);

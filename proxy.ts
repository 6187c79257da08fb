/**
 * Runs before every page (not /api, not static files): gives each page response a Content-Security-Policy
 * with a fresh nonce, which Next.js reads from the request headers and puts on its own scripts.
 * API routes are left out on purpose: a matched request has its body buffered for the proxy.
 */
import { NextResponse, type NextRequest } from "next/server";
import { env } from "~/env.js";
import { buildPagePolicy, HSTS_VALUE, isServedOverHttps } from "~/server/lib/security-headers";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const https = isServedOverHttps({ appUrl: env.NEXTAUTH_URL, forwardedProto: request.headers.get("x-forwarded-proto") });
  const policy = buildPagePolicy({ nonce, https, development: env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set("strict-transport-security", HSTS_VALUE);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};

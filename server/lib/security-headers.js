/**
 * The Content-Security-Policy of the app's pages and the HSTS rule. Static headers (frame, sniffing,
 * referrer) are in next.config.js; the page policy needs a fresh nonce per response, so proxy.ts sets it.
 * Plain JavaScript because next.config.js imports it.
 */

/**
 * Scripts run only with this response's nonce ('strict-dynamic' lets the framework's own scripts load
 * their chunks), so an injected <script> or inline handler does not run. Inline style attributes stay
 * allowed: React and the chart library set them, and they cannot run code.
 */
/** @param {{ nonce: string; https: boolean; development: boolean }} options @returns {string} */
export function buildPagePolicy({ nonce, https, development }) {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** API responses are data, never documents: nothing may load or frame them. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** HSTS only makes sense (and is only honoured) over https: the app's configured URL or the proxy in front says so. */
/** @param {{ appUrl?: string; forwardedProto: string | null }} request @returns {boolean} */
export function isServedOverHttps({ appUrl, forwardedProto }) {
  return (appUrl?.startsWith("https://") ?? false) || (forwardedProto?.split(",")[0]?.trim() === "https");
}

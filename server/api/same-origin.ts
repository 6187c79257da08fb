/**
 * The same-origin rule for cookie-authenticated endpoints (tRPC). A browser attaches the session cookie to
 * requests another site makes it send, so a request is accepted only when it proves it came from the
 * app's own pages:
 *
 * 1. It carries the `x-trpc-source` header. A page cannot add a header to a navigation or a form post, and
 *    a cross-origin `fetch` with a custom header needs a CORS preflight that this app never approves.
 * 2. And nothing the browser says contradicts that: `Sec-Fetch-Site`, when sent, is `same-origin`, and
 *    otherwise `Origin`, when sent, is the app's origin. Both are set by the browser and cannot be
 *    forged by a page; they are the second lock in case a CORS rule is ever added by mistake.
 *
 * Clients outside a browser (scripts) use the REST API with a bearer token instead.
 */

/** The header the app's tRPC client sends on every request. */
export const SAME_ORIGIN_HEADER = "x-trpc-source";

export type SameOriginVerdict = { ok: true } | { ok: false; reason: string };

export function checkSameOrigin(headers: Headers, appOrigin: string): SameOriginVerdict {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") {
    return { ok: false, reason: `This request came from another site (Sec-Fetch-Site: ${site}). The API answers only the app's own pages.` };
  }
  const origin = headers.get("origin");
  if (site === null && origin !== null && origin !== appOrigin) {
    return { ok: false, reason: `This request came from ${origin}, not from ${appOrigin}. The API answers only the app's own pages.` };
  }
  if (!headers.get(SAME_ORIGIN_HEADER)) {
    return { ok: false, reason: `This request lacks the ${SAME_ORIGIN_HEADER} header that the app's own pages send. Scripts should use the REST API (/api/v1) with an API token.` };
  }
  return { ok: true };
}

/**
 * The rule for file downloads the app's pages start with a plain link (a navigation cannot carry the
 * custom header). Only GET routes that change nothing and answer an attachment with `nosniff` use it:
 * another site can then make the browser save the file, never read it. What the browser says must
 * still agree: not cross-site, not from another origin, and fetched as a page or a download, never
 * as a script, style or image.
 */
export function checkSameOriginDownload(headers: Headers, appOrigin: string): SameOriginVerdict {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return { ok: false, reason: `This download was started by another site (Sec-Fetch-Site: ${site}). Start it from the app's own page.` };
  }
  const origin = headers.get("origin");
  if (origin !== null && origin !== appOrigin) {
    return { ok: false, reason: `This download was started from ${origin}, not from ${appOrigin}.` };
  }
  const dest = headers.get("sec-fetch-dest");
  if (dest !== null && dest !== "document" && dest !== "empty" && dest !== "iframe") {
    return { ok: false, reason: `This file cannot be loaded as a ${dest}.` };
  }
  return { ok: true };
}

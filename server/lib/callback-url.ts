/**
 * Where to go after signing in. The one rule for every redirect target a user can supply (callbackUrl on
 * the sign-in and sign-up pages, next-auth's redirect callback, the forms' router calls): the value is
 * parsed as a URL against the app's origin and kept only if it stays on that origin, and so does its
 * percent-decoded form (so a layer that decodes once more cannot turn `/%5Chost` into `/\host`, which
 * browsers read as `//host`). Only the path, query and fragment are returned, never a scheme or host.
 */
export const DEFAULT_CALLBACK_PATH = "/";

function sameOriginPath(value: string, appOrigin: string): string | null {
  let url: URL;
  try {
    url = new URL(value, appOrigin);
  } catch {
    return null;
  }
  if (url.origin !== appOrigin) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `new URL` keeps `//host` or `/\host` inside a path it got through `..` or encoded slashes; a browser would not.
  return path.startsWith("/") && !/^\/[/\\]/.test(path) ? path : null;
}

/** `value` is whatever arrived (a repeated query parameter is an array): anything but an on-site URL gives "/". */
export function safeCallbackPath(value: unknown, appOrigin: string): string {
  if (typeof value !== "string" || !value) return DEFAULT_CALLBACK_PATH;
  const origin = new URL(appOrigin).origin;
  const path = sameOriginPath(value, origin);
  if (!path) return DEFAULT_CALLBACK_PATH;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return DEFAULT_CALLBACK_PATH;
  }
  return sameOriginPath(decoded, origin) ? path : DEFAULT_CALLBACK_PATH;
}

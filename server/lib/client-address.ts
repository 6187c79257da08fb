/**
 * The address a request came from, for throttling. Next.js does not hand route handlers the socket, and
 * it fills X-Forwarded-For from the socket only when the client did not send one, so that header alone
 * is whatever the client says. installClientAddressStamp() therefore writes the socket's address into a
 * header of our own on every request before Next.js sees it, overwriting anything the client sent.
 * X-Forwarded-For is believed only when the operator says proxies sit in front (TRUST_PROXY).
 */
import { isIPv6 } from "node:net";

export const CLIENT_ADDRESS_HEADER = "x-tidewater-client-address";

type HeaderBag = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** IPv4 as is; IPv6 cut to its /64, since one host usually holds a whole /64 and could rotate inside it. */
export function normalizeClientAddress(raw: string): string {
  let address = raw.trim().replace(/^\[|\]$/g, "");
  if (address.toLowerCase().startsWith("::ffff:") && address.includes(".")) address = address.slice(7);
  if (!isIPv6(address)) return address.toLowerCase();
  const [head = "", tail] = address.toLowerCase().split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const groups = tail === undefined ? headParts : [...headParts, ...Array(8 - headParts.length - tailParts.length).fill("0"), ...tailParts];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** The client's address from request headers; `trustedProxies` is env.TRUST_PROXY. */
export function getClientAddress(headers: HeaderBag, trustedProxies: number): string {
  if (trustedProxies > 0) {
    const hops = (firstValue(headers["x-forwarded-for"]) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const entry = hops[Math.max(0, hops.length - trustedProxies)];
    if (entry) return normalizeClientAddress(entry);
  }
  const stamped = firstValue(headers[CLIENT_ADDRESS_HEADER]);
  return stamped ? normalizeClientAddress(stamped) : "unknown";
}

type RequestLike = { headers: Record<string, unknown>; socket?: { remoteAddress?: string } };

/** Called once at boot (instrumentation.ts): stamps every incoming HTTP request with its socket address. */
export async function installClientAddressStamp(): Promise<void> {
  const marker = Symbol.for("tidewater.clientAddressStamp");
  const http = await import("node:http");
  const https = await import("node:https");
  for (const Server of [http.Server, https.Server]) {
    const proto = Server.prototype as unknown as Record<symbol, unknown> & { emit: (event: string | symbol, ...args: unknown[]) => boolean };
    if (proto[marker]) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as RequestLike;
        req.headers[CLIENT_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "unknown";
      }
      return emit.call(this, event, ...args);
    };
    proto[marker] = true;
  }
}

/**
 * Outbound requests to addresses a workspace member chose (alert webhooks) must reach the public internet
 * only, never the app's own network: loopback, private ranges, cloud metadata (169.254.169.254), and the
 * like. The guarantee is where the socket connects, not how the URL is spelled: the dispatcher below
 * checks every address DNS answers at connect time (so rebinding a name after it was saved does not
 * help) and every IP literal (which Node connects to without a lookup).
 */
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector } from "undici";

/** IPv6 global unicast (RFC 4291): anything outside it is reserved, local, or not routed on the internet. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse("2000::");

/**
 * True when an IP address (any spelling ipaddr.js reads: 127.1, 0x7f.0.0.1, ::ffff:127.0.0.1, …) is a
 * public unicast address. Allow-list, not block-list: ipaddr.js names every special range (private,
 * loopback, link-local, unique-local, carrier-grade NAT, multicast, documentation, NAT64 and 6to4 that
 * embed an IPv4 address, …) and only "unicast" is left. IPv4-mapped IPv6 is judged as the IPv4 it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  if (ip.range() !== "unicast") return false;
  return ip.kind() === "ipv4" || (ip as ipaddr.IPv6).match(GLOBAL_UNICAST_V6, 3);
}

/** A connection refused because the host is, or resolves to, an address that is not public. */
export class NonPublicAddressError extends Error {
  readonly code = "ENONPUBLIC";
  constructor(
    /** The host as requested (a name or an IP literal). */
    readonly host: string,
    /** The address it is or resolves to. */
    readonly address: string,
  ) {
    super(host === address ? `${address} is not a public address` : `${host} resolves to ${address}, which is not a public address`);
    this.name = "NonPublicAddressError";
  }
}

/**
 * The first address a host is or resolves to that is not public, or null when all are public. For
 * checking a URL when it is saved; a host that does not resolve is not refused here (DNS may be down,
 * and the connect-time check still holds).
 */
export async function findNonPublicAddress(host: string): Promise<string | null> {
  const literal = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (isIP(literal)) return isPublicAddress(literal) ? null : literal;
  const addresses = await new Promise<LookupAddress[]>((resolve) => lookup(literal, { all: true }, (error, found) => resolve(error ? [] : found)));
  return addresses.find((a) => !isPublicAddress(a.address))?.address ?? null;
}

/**
 * A DNS lookup for net.connect that fails when any answer is not public. All answers are checked, not
 * only the one used: a name that mixes public and private addresses is refused as a whole.
 */
function lookupPublicOnly(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new NonPublicAddressError(hostname, refused.address), []);
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return first ? callback(null, first.address, first.family) : callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
  });
}

/**
 * An undici dispatcher (pass it as fetch's `dispatcher`) that connects only to public addresses. IP
 * literals are checked here because Node skips the lookup for them; names are checked by the lookup.
 */
export function createPublicOnlyDispatcher(): Agent {
  const connect = buildConnector({ lookup: lookupPublicOnly });
  return new Agent({
    connect: (options, callback) => {
      if (isIP(options.hostname) && !isPublicAddress(options.hostname)) {
        callback(new NonPublicAddressError(options.hostname, options.hostname), null);
        return;
      }
      connect(options, callback);
    },
  });
}

import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, getClientAddress, normalizeClientAddress } from "./client-address";

describe("getClientAddress", () => {
  it("uses the socket's address and ignores X-Forwarded-For unless proxies are trusted", () => {
    const headers = { [CLIENT_ADDRESS_HEADER]: "::ffff:198.51.100.7", "x-forwarded-for": "203.0.113.99" };
    expect(getClientAddress(headers, 0)).toBe("198.51.100.7");
  });

  it("takes the entry the trusted proxies added, not what the client wrote before them", () => {
    const headers = { [CLIENT_ADDRESS_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.7" };
    expect(getClientAddress(headers, 1)).toBe("198.51.100.7");
    expect(getClientAddress({ ...headers, "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.3" }, 2)).toBe("198.51.100.7");
    // No header from the proxy: fall back to the socket.
    expect(getClientAddress({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2" }, 1)).toBe("10.0.0.2");
  });

  it("says unknown when nothing stamped the request", () => {
    expect(getClientAddress({ "x-forwarded-for": "203.0.113.99" }, 0)).toBe("unknown");
  });
});

describe("normalizeClientAddress", () => {
  it("keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64", () => {
    expect(normalizeClientAddress("203.0.113.5")).toBe("203.0.113.5");
    expect(normalizeClientAddress("::ffff:203.0.113.5")).toBe("203.0.113.5");
    expect(normalizeClientAddress("2001:db8:abcd:12:1::7")).toBe("2001:db8:abcd:12::/64");
    expect(normalizeClientAddress("2001:0db8:abcd:0012:ffff:1:2:3")).toBe("2001:db8:abcd:12::/64");
    expect(normalizeClientAddress("[2001:db8::1]")).toBe("2001:db8:0:0::/64");
    expect(normalizeClientAddress("::1")).toBe("0:0:0:0::/64");
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicOnlyDispatcher, findNonPublicAddress, isPublicAddress, NonPublicAddressError } from "./public-addresses";

describe("isPublicAddress", () => {
  it("refuses loopback, private, link-local, metadata and other special IPv4 ranges, in any spelling", () => {
    for (const address of [
      "127.0.0.1",
      "127.255.255.254",
      "127.1",
      "2130706433",
      "017700000001",
      "0x7f000001",
      "0x7f.1",
      "0177.0.0.1",
      "10.0.0.1",
      "10.255.255.255",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "0.1.2.3",
      "224.0.0.1",
      "255.255.255.255",
      "192.0.2.1",
      "198.18.0.1",
      "240.0.0.1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("refuses loopback, unique-local, link-local, mapped and IPv4-embedding IPv6 addresses", () => {
    for (const address of [
      "::1",
      "::",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "fe80::1%eth0",
      "fec0::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "::ffff:169.254.169.254",
      "::127.0.0.1",
      "64:ff9b::a00:1",
      "2002:7f00:1::",
      "2001::1",
      "2001:db8::1",
      "100::1",
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("accepts public unicast addresses, including a public IPv4 written as mapped IPv6", () => {
    for (const address of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8"]) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it("refuses what is not an address at all", () => {
    for (const text of ["", "localhost", "example.com", "1.2.3.4.5", "::ffff::1"]) expect(isPublicAddress(text), text).toBe(false);
  });
});

describe("findNonPublicAddress", () => {
  it("answers the private address a literal is or a name resolves to, and null for a name that does not resolve", async () => {
    expect(await findNonPublicAddress("127.0.0.1")).toBe("127.0.0.1");
    expect(await findNonPublicAddress("[::1]")).toBe("::1");
    expect(await findNonPublicAddress("localhost")).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await findNonPublicAddress("8.8.8.8")).toBeNull();
    expect(await findNonPublicAddress("no-such-host.invalid")).toBeNull();
  });
});

describe("createPublicOnlyDispatcher", () => {
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end("reached"));
    server.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("refuses every spelling of a local receiver before a connection is opened", async () => {
    const dispatcher = createPublicOnlyDispatcher();
    try {
      for (const [url, host, address] of [
        [`http://127.0.0.1:${port}/`, "127.0.0.1", "127.0.0.1"],
        [`http://2130706433:${port}/`, "127.0.0.1", "127.0.0.1"],
        [`http://0x7f.1:${port}/`, "127.0.0.1", "127.0.0.1"],
        [`http://[::ffff:127.0.0.1]:${port}/`, "::ffff:7f00:1", "::ffff:7f00:1"],
        // Whichever loopback address the machine lists first for localhost.
        [`http://localhost:${port}/`, "localhost", expect.stringMatching(/^(127\.0\.0\.1|::1)$/)],
      ] as const) {
        const error = await fetch(url, { method: "POST", body: "{}", dispatcher }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, url).toBeInstanceOf(Error);
        const cause = (error as Error).cause;
        expect(cause, url).toBeInstanceOf(NonPublicAddressError);
        expect(cause, url).toMatchObject({ host, address });
      }
      expect(connections).toBe(0);
      // The same receiver is there: without the dispatcher the request goes through.
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(await response.text()).toBe("reached");
      expect(connections).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import { buildPagePolicy, isServedOverHttps } from "./security-headers.js";

describe("buildPagePolicy", () => {
  it("allows only this response's scripts and forbids framing", () => {
    const policy = buildPagePolicy({ nonce: "abc", https: false, development: false });
    expect(policy).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain("unsafe-eval");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).not.toContain("upgrade-insecure-requests");
  });

  it("upgrades insecure requests over https and allows eval only in development", () => {
    expect(buildPagePolicy({ nonce: "n", https: true, development: false })).toContain("upgrade-insecure-requests");
    expect(buildPagePolicy({ nonce: "n", https: false, development: true })).toContain("'unsafe-eval'");
  });
});

describe("isServedOverHttps", () => {
  it.each([
    [{ appUrl: "https://app.example.com", forwardedProto: null }, true],
    [{ appUrl: "http://localhost:3000", forwardedProto: "https" }, true],
    [{ appUrl: undefined, forwardedProto: "https, http" }, true],
    [{ appUrl: "http://localhost:3000", forwardedProto: null }, false],
    [{ appUrl: undefined, forwardedProto: "http" }, false],
  ])("%j → %s", (input, expected) => {
    expect(isServedOverHttps(input)).toBe(expected);
  });
});

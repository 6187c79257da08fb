import { describe, expect, it } from "vitest";
import { checkSameOrigin, checkSameOriginDownload, SAME_ORIGIN_HEADER } from "./same-origin";

const APP = "http://localhost:3000";
const verdict = (headers: Record<string, string>) => checkSameOrigin(new Headers(headers), APP);

describe("checkSameOrigin", () => {
  it("accepts the app's own client in a modern browser", () => {
    expect(verdict({ [SAME_ORIGIN_HEADER]: "tidewater-web", "sec-fetch-site": "same-origin", origin: APP })).toEqual({ ok: true });
  });

  it("accepts the app's client where the browser sends no fetch metadata (plain http on a LAN address)", () => {
    expect(verdict({ [SAME_ORIGIN_HEADER]: "tidewater-web", origin: APP })).toEqual({ ok: true });
    expect(verdict({ [SAME_ORIGIN_HEADER]: "tidewater-web" })).toEqual({ ok: true });
  });

  it.each([
    ["a top-level navigation from another site", { "sec-fetch-site": "cross-site" }],
    ["a form post from another site", { "sec-fetch-site": "cross-site", origin: "http://evil.test", "content-type": "application/x-www-form-urlencoded" }],
    ["a form post from a sibling subdomain", { "sec-fetch-site": "same-site", origin: "http://other.localhost:3000" }],
    ["a link opened from the address bar", { "sec-fetch-site": "none" }],
    ["a form post from an old browser", { origin: "http://evil.test" }],
    ["a sandboxed frame", { origin: "null" }],
    ["a navigation from an old browser (no Origin at all)", {}],
    ["a same-origin request without the header (a form on a page of ours)", { "sec-fetch-site": "same-origin", origin: APP }],
  ])("refuses %s", (_, headers) => {
    const result = verdict(headers);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/another site|not from|lacks the x-trpc-source header/);
  });

  it("refuses the custom header when the browser says the request is cross-site (a CORS rule added by mistake)", () => {
    const result = verdict({ [SAME_ORIGIN_HEADER]: "x", "sec-fetch-site": "cross-site", origin: "http://evil.test" });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("Sec-Fetch-Site: cross-site") });
  });

  it("refuses the custom header from another origin when there is no fetch metadata", () => {
    const result = verdict({ [SAME_ORIGIN_HEADER]: "x", origin: "http://localhost:3001" });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("came from http://localhost:3001") });
  });

  it("treats localhost and 127.0.0.1 as different origins", () => {
    expect(verdict({ [SAME_ORIGIN_HEADER]: "x", origin: "http://127.0.0.1:3000" }).ok).toBe(false);
  });

  it("ignores an empty custom header", () => {
    expect(verdict({ [SAME_ORIGIN_HEADER]: "", "sec-fetch-site": "same-origin" }).ok).toBe(false);
  });
});

describe("checkSameOriginDownload", () => {
  const app = "http://localhost:3000";
  it("accepts a link on the app's own page, typed URLs, and browsers without fetch metadata (plain http)", () => {
    expect(checkSameOriginDownload(new Headers({ "sec-fetch-site": "same-origin", "sec-fetch-dest": "document" }), app).ok).toBe(true);
    expect(checkSameOriginDownload(new Headers({ "sec-fetch-site": "none" }), app).ok).toBe(true);
    expect(checkSameOriginDownload(new Headers(), app).ok).toBe(true);
  });

  it("refuses another site's page, another origin, and loads as a script or image", () => {
    expect(checkSameOriginDownload(new Headers({ "sec-fetch-site": "cross-site" }), app)).toMatchObject({ ok: false, reason: expect.stringContaining("another site") });
    expect(checkSameOriginDownload(new Headers({ origin: "https://evil.example" }), app)).toMatchObject({ ok: false });
    expect(checkSameOriginDownload(new Headers({ "sec-fetch-site": "same-origin", "sec-fetch-dest": "script" }), app)).toMatchObject({ ok: false });
    expect(checkSameOriginDownload(new Headers({ "sec-fetch-dest": "image" }), app)).toMatchObject({ ok: false });
  });
});

import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

const APP = "http://localhost:3150";

describe("safeCallbackPath", () => {
  it.each([
    ["/w/growth", "/w/growth"],
    ["/w/growth/syncs?tab=runs#latest", "/w/growth/syncs?tab=runs#latest"],
    ["/invite/inv_abc", "/invite/inv_abc"],
    [`${APP}/w/growth`, "/w/growth"],
    ["http:/w/growth", "/w/growth"],
  ])("keeps the on-site target %s", (value, expected) => {
    expect(safeCallbackPath(value, APP)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https://evil.example",
    "https://evil.example/w/growth",
    "HTTPS://EVIL.EXAMPLE",
    "http://localhost.evil.com",
    "http://localhost:3150.evil.com/",
    "http://localhost:3150@evil.example/",
    "http://localhost:4000/w/growth",
    "https://localhost:3150/w/growth",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/a/../..//evil.example",
    "/%E0%A4%A",
    "",
  ])("sends %j to the workspace list", (value) => {
    expect(safeCallbackPath(value, APP)).toBe("/");
  });

  it("accepts only strings", () => {
    expect(safeCallbackPath(["/w/a", "//evil.example"], APP)).toBe("/");
    expect(safeCallbackPath(undefined, APP)).toBe("/");
    expect(safeCallbackPath(null, APP)).toBe("/");
  });
});

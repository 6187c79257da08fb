import { describe, expect, it } from "vitest";
import { parseVerification } from "./parse-verification";

describe("parseVerification", () => {
  it("reads counts, web links and differences", () => {
    const view = parseVerification({
      checked: 3,
      verified: 2,
      links: [
        { label: "CleverTap dashboard", url: "https://us1.dashboard.clevertap.com/SIM/main" },
        { label: "bad", url: "javascript:alert(1)" },
      ],
      differences: [{ key: "u2", field: "Email", expected: "a@x.io", actual: null }],
    });
    expect(view).toEqual({
      readBackAvailable: true,
      checked: 3,
      verified: 2,
      links: [{ label: "CleverTap dashboard", url: "https://us1.dashboard.clevertap.com/SIM/main" }],
      differences: [{ key: "u2", field: "Email", expected: "a@x.io", actual: null, message: null }],
      message: null,
    });
  });

  it("says when the destination could not be read back", () => {
    const view = parseVerification({ checked: 0, verified: 0, differences: [], message: "Customer.io has no App API key on this connection: add one to verify delivered data", links: [] });
    expect(view?.readBackAvailable).toBe(false);
    expect(view?.message).toBe("Customer.io has no App API key on this connection: add one to verify delivered data");
  });

  it("ignores values that are not objects", () => {
    expect(parseVerification(null)).toBeNull();
    expect(parseVerification("verified")).toBeNull();
  });
});

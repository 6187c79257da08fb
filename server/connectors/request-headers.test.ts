import { describe, expect, it } from "vitest";
import { DestinationRequestError } from "./errors";
import { getDestinationConnector } from "./registry";
import { sendRequest } from "./customerio/request";
import { buildRequestHeaders } from "./request-headers";

const record = { key: "u1", identifier: { type: "identity", value: "u1" }, fields: { Email: "a@example.com" } };

describe("credentials that cannot travel in a header", () => {
  it("fail at once, naming the header but never the value", () => {
    const attempt = () => buildRequestHeaders({ Accept: "application/json", "X-Passcode": "abc\ndef" }, "CleverTap");
    expect(attempt).toThrow(DestinationRequestError);
    try {
      attempt();
    } catch (error) {
      const e = error as DestinationRequestError;
      expect(e.options.retryable).toBe(false);
      expect(e.message).toContain("X-Passcode");
      expect(e.message).not.toContain("abc");
      expect(e.message).not.toMatch(/Could not reach/);
    }
    expect(buildRequestHeaders({ Accept: "application/json" }, "CleverTap").get("accept")).toBe("application/json");
  });

  it("make a CleverTap write and a Customer.io request fail as not retryable, before anything is sent", async () => {
    const clevertap = getDestinationConnector("clevertap");
    const profile = clevertap.objects.find((o) => o.id === "profile")!;
    await expect(
      clevertap.write({ config: { accountId: "ACC", passcode: "pass\nword", region: "us1" }, object: profile, behavior: "upsert", records: [record] }),
    ).rejects.toMatchObject({ name: "DestinationRequestError", options: { retryable: false, code: "invalid_header" } });

    // The App API key travels as-is in a Bearer header (the Track key is base64-encoded, so any text fits).
    await expect(
      sendRequest({ url: "http://127.0.0.1:9/api/v1/customers", method: "GET", authorization: "Bearer app\nkey", timeoutMs: 1000 }),
    ).rejects.toMatchObject({ name: "DestinationRequestError", options: { retryable: false, code: "invalid_header" } });
  });
});

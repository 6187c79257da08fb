import { describe, expect, it } from "vitest";
import { DestinationRequestError } from "./errors";
import { CONNECTORS } from "./registry";
import { deriveSecretForms, redactError, redactKnownSecrets, redactSecrets, rememberSecrets, secretFormsOfConfig, withSecretRedaction } from "./redact-secrets";

const SECRET = 'pa"ss\nwo/rd é€ ?&=%';

function encodings(secret: string, user: string): string[] {
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    Buffer.from(secret).toString("base64"),
    Buffer.from(`${user}:${secret}`).toString("base64"),
    ...secret.split("\n"),
  ];
}

describe("redactSecrets", () => {
  it("removes a secret in each of its encodings", () => {
    const forms = secretFormsOfConfig({ siteId: "site-1", apiKey: SECRET }, ["apiKey"]);
    for (const encoded of encodings(SECRET, "site-1")) {
      const out = redactSecrets(`before ${encoded} after`, forms);
      expect(out).toBe("before [redacted] after");
    }
  });

  it("finds the password inside a connection URL and the key inside a service-account JSON", () => {
    const forms = deriveSecretForms([
      "postgres://app:s3cr%2Fet@db.example.com:5432/x",
      JSON.stringify({ type: "service_account", private_key: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n" }),
    ]);
    expect(redactSecrets("auth failed for s3cr/et", forms)).toBe("auth failed for [redacted]");
    expect(redactSecrets("bad line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", forms)).toBe("bad line [redacted]");
  });

  it("leaves text without secrets alone", () => {
    expect(redactSecrets("nothing here", deriveSecretForms(["abc"]))).toBe("nothing here");
  });
});

describe("redactError", () => {
  it("scrubs message, stack, cause chain, nested errors and string properties in place", () => {
    const inner = Object.assign(new Error(`Headers.append: "${SECRET}" is an invalid header value.`), { detail: `value ${SECRET}` });
    const error = new DestinationRequestError(`Could not reach CleverTap: ${inner.message}`, { retryable: true, cause: inner });
    const aggregate = new AggregateError([error], "many");
    const forms = deriveSecretForms([SECRET]);
    const out = redactError(aggregate, forms) as AggregateError;
    expect(out).toBe(aggregate);
    const first = out.errors[0] as DestinationRequestError;
    expect(first).toBeInstanceOf(DestinationRequestError);
    for (const text of [first.message, first.stack, (first.cause as Error).message, (first.cause as Error).stack, (first.cause as { detail: string }).detail]) {
      expect(text).toContain("[redacted]");
      expect(text).not.toContain(SECRET);
    }
    expect(first.options.cause).toBe(first.cause);
  });
});

describe("withSecretRedaction", () => {
  const config = { user: "u", password: SECRET };
  const fake = {
    id: "fake",
    check: async (p: { config: typeof config }) => ({ ok: false, message: `wrong ${p.config.password}` }),
    explode: (p: { config: typeof config }) => {
      throw new TypeError(`sync ${p.config.password}`);
    },
    reject: async (p: { config: typeof config }) => {
      throw new RangeError(`async ${encodeURIComponent(p.config.password)}`);
    },
    write: async (p: { config: typeof config }) => [
      { key: "1", status: "accepted" as const },
      { key: "2", status: "rejected" as const, message: `no ${p.config.password}` },
    ],
    async *pages(p: { config: typeof config }) {
      yield 1;
      throw new Error(`page ${p.config.password}`);
    },
  };
  const wrapped = withSecretRedaction(fake, ["password"]);

  it("scrubs the errors of a page reader's pages with the secrets of the config it was opened with", async () => {
    const source = withSecretRedaction(
      {
        openReader: async (p: { config: typeof config }) => ({
          readPage: async () => {
            throw new Error(`page ${p.config.password}`);
          },
          close: async () => undefined,
        }),
      },
      ["password"],
    );
    const reader = await source.openReader({ config });
    await expect(reader.readPage()).rejects.toThrow("page [redacted]");
  });

  it("scrubs thrown and rejected errors, keeping their class", async () => {
    expect(() => wrapped.explode({ config })).toThrow(TypeError);
    expect(() => wrapped.explode({ config })).toThrow("sync [redacted]");
    await expect(wrapped.reject({ config })).rejects.toThrow(RangeError);
    await expect(wrapped.reject({ config })).rejects.toThrow("async [redacted]");
  });

  it("scrubs check messages and per-record rejections", async () => {
    expect(await wrapped.check({ config })).toEqual({ ok: false, message: "wrong [redacted]" });
    expect(await wrapped.write({ config })).toEqual([
      { key: "1", status: "accepted" },
      { key: "2", status: "rejected", message: "no [redacted]", code: undefined, field: undefined },
    ]);
  });

  it("scrubs errors raised while iterating", async () => {
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const page of wrapped.pages({ config })) seen.push(page);
      })(),
    ).rejects.toThrow("page [redacted]");
    expect(seen).toEqual([1]);
  });

  it("is how the registry hands out every connector", async () => {
    const { clevertapConnector } = await import("./clevertap");
    const registered = CONNECTORS.find((c) => c.id === "clevertap")!;
    expect(registered).not.toBe(clevertapConnector);
    expect(registered.check).not.toBe(clevertapConnector.check);
    const result = await registered.check({ config: { accountId: "acc", passcode: SECRET, region: "eu1" } });
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(SECRET);
  });
});

describe("the process-wide set", () => {
  it("scrubs remembered secrets from any string", () => {
    const secret = `remembered-${Math.random().toString(36).slice(2)}`;
    expect(redactKnownSecrets(`x ${secret} y`)).toBe(`x ${secret} y`);
    rememberSecrets([secret]);
    expect(redactKnownSecrets(`x ${secret} y ${encodeURIComponent(secret)}`)).toBe("x [redacted] y [redacted]");
  });
});

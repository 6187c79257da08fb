import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, hashToken, keyId } from "./crypto";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");

describe("secret envelopes", () => {
  it("round-trips and never contains the plaintext", () => {
    const sealed = encryptSecret("SIM-PASS-0001", keyA);
    expect(sealed).not.toContain("SIM-PASS-0001");
    expect(sealed.split(".")[1]).toBe(keyId(keyA));
    expect(decryptSecret(sealed, [keyA])).toBe("SIM-PASS-0001");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("x", keyA)).not.toBe(encryptSecret("x", keyA));
  });

  it("picks the right key during rotation and refuses unknown keys", () => {
    const sealed = encryptSecret("old", keyA);
    expect(decryptSecret(sealed, [keyB, keyA])).toBe("old");
    expect(() => decryptSecret(sealed, [keyB])).toThrow(/key the server does not have/);
  });

  it("detects tampering", () => {
    const parts = encryptSecret("value", keyA).split(".");
    parts[4] = Buffer.from("other").toString("base64url");
    expect(() => decryptSecret(parts.join("."), [keyA])).toThrow();
  });

  it("hashes tokens deterministically", () => {
    expect(hashToken("twk_abc")).toBe(hashToken("twk_abc"));
    expect(hashToken("twk_abc")).not.toBe(hashToken("twk_abd"));
  });
});

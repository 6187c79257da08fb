import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "~/env.js";

const VERSION = "v1";

function keyFrom(base64: string): Buffer {
  return Buffer.from(base64, "base64");
}

/** Short id of a key, stored with each envelope so rotation knows which key sealed it. */
export function keyId(base64Key: string): string {
  return createHash("sha256").update(keyFrom(base64Key)).digest("hex").slice(0, 8);
}

/** AES-256-GCM envelope: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). */
export function encryptSecret(plaintext: string, base64Key: string = env.ENCRYPTION_KEY): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(base64Key), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, keyId(base64Key), iv.toString("base64url"), tag.toString("base64url"), data.toString("base64url")].join(".");
}

export function decryptSecret(envelope: string, keys: string[] = [env.ENCRYPTION_KEY, ...(env.ENCRYPTION_KEY_PREVIOUS ? [env.ENCRYPTION_KEY_PREVIOUS] : [])]): string {
  const [version, kid, iv, tag, data] = envelope.split(".");
  if (version !== VERSION || !kid || !iv || !tag || data === undefined) throw new Error("Unreadable secret envelope");
  const key = keys.find((k) => keyId(k) === kid);
  if (!key) throw new Error("This secret was encrypted with a key the server does not have (check ENCRYPTION_KEY)");
  const decipher = createDecipheriv("aes-256-gcm", keyFrom(key), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/** SHA-256 of a random token: tokens and invitation links are stored only as hashes. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function createToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString("base64url")}`;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

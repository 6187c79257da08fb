import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "~/env.js";

describe("configuration", () => {
  it("generates and then reuses embedded secrets, with a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-env-"));
    const warnings: string[] = [];
    const first = parseEnv({ DATA_DIR: dir }, (m: string) => warnings.push(m));
    expect(warnings[0]).toMatch(/generated them into/);
    expect(Buffer.from(first.ENCRYPTION_KEY!, "base64")).toHaveLength(32);
    const again = parseEnv({ DATA_DIR: dir }, (m: string) => warnings.push(m));
    expect(again.ENCRYPTION_KEY).toBe(first.ENCRYPTION_KEY);
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8")).AUTH_SECRET).toBe(first.AUTH_SECRET);
  });

  it("names the variable that is wrong", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => parseEnv({ DATABASE_URL: "postgres://h/db" })).toThrow(/AUTH_SECRET: required when DATABASE_URL is set/);
    expect(() => parseEnv({ DATABASE_URL: "postgres://h/db", AUTH_SECRET: "x".repeat(40), ENCRYPTION_KEY: "short" })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
    expect(() => parseEnv({ CLEVERTAP_API_BASE_URL: "not a url", DATA_DIR: mkdtempSync(join(tmpdir(), "tw-env-")) }, () => {})).toThrow(/CLEVERTAP_API_BASE_URL/);
  });

  it("limits request bodies to 1 MB unless MAX_REQUEST_BODY_BYTES says otherwise", () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-env-"));
    expect(parseEnv({ DATA_DIR: dir }, () => {}).MAX_REQUEST_BODY_BYTES).toBe(1024 * 1024);
    expect(parseEnv({ DATA_DIR: dir, MAX_REQUEST_BODY_BYTES: "" }, () => {}).MAX_REQUEST_BODY_BYTES).toBe(1024 * 1024);
    expect(parseEnv({ DATA_DIR: dir, MAX_REQUEST_BODY_BYTES: "5242880" }, () => {}).MAX_REQUEST_BODY_BYTES).toBe(5 * 1024 * 1024);
    expect(() => parseEnv({ DATA_DIR: dir, MAX_REQUEST_BODY_BYTES: "1mb" }, () => {})).toThrow(/MAX_REQUEST_BODY_BYTES/);
    expect(() => parseEnv({ DATA_DIR: dir, MAX_REQUEST_BODY_BYTES: "12" }, () => {})).toThrow(/MAX_REQUEST_BODY_BYTES: must be at least 1024 bytes/);
  });

  it("sends alert webhooks to public addresses only, unless ALERT_WEBHOOK_ALLOW_PRIVATE is true", () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-env-"));
    const quiet = () => {};
    expect(parseEnv({ DATA_DIR: dir }, quiet).ALERT_WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(parseEnv({ DATA_DIR: dir, ALERT_WEBHOOK_ALLOW_PRIVATE: "" }, quiet).ALERT_WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(parseEnv({ DATA_DIR: dir, ALERT_WEBHOOK_ALLOW_PRIVATE: "false" }, quiet).ALERT_WEBHOOK_ALLOW_PRIVATE).toBe(false);
    expect(parseEnv({ DATA_DIR: dir, ALERT_WEBHOOK_ALLOW_PRIVATE: "true" }, quiet).ALERT_WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(() => parseEnv({ DATA_DIR: dir, ALERT_WEBHOOK_ALLOW_PRIVATE: "yes" }, quiet)).toThrow(/ALERT_WEBHOOK_ALLOW_PRIVATE: must be true or false/);
  });

  it("keeps file sources out of the data folder, in either direction", () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-env-"));
    const quiet = () => {};
    for (const [DATA_DIR, FILE_SOURCES_DIR] of [
      [dir, dir],
      [dir, join(dir, "files")],
      [join(dir, "data"), dir],
      [join(dir, "data"), join(dir, "data", "..", "data", "x")],
    ]) {
      expect(() => parseEnv({ DATA_DIR, FILE_SOURCES_DIR }, quiet), `${DATA_DIR} vs ${FILE_SOURCES_DIR}`).toThrow(/FILE_SOURCES_DIR: .* overlaps DATA_DIR/);
    }
    const ok = parseEnv({ DATA_DIR: join(dir, "data"), FILE_SOURCES_DIR: join(dir, "data-files") }, quiet);
    expect(ok.FILE_SOURCES_DIR).toBe(join(dir, "data-files"));
    expect(ok.FILE_UPLOAD_MAX_BYTES).toBe(512 * 1024 * 1024);
  });

  it("compares real paths, so a symlink to the data folder is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "tw-env-"));
    mkdirSync(join(dir, "data"));
    symlinkSync(join(dir, "data"), join(dir, "files-link"));
    expect(() => parseEnv({ DATA_DIR: join(dir, "data"), FILE_SOURCES_DIR: join(dir, "files-link") }, () => {})).toThrow(/overlaps DATA_DIR/);
  });
});

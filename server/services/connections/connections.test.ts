/**
 * Credentials end to end through the tRPC layer: the secret is encrypted at rest, never returned,
 * never logged, kept when an edit leaves it out, and re-encrypted by key rotation.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "~/env.js";
import { startClevertapSimulator } from "~/e2e/simulators/clevertap/server";
import { createCaller } from "~/server/api/root";
import { closeDb, getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { loadConnectionConfig } from "./load-connection-config";
import { rotateEncryptionKey } from "./rotate-encryption-key";

const PASSCODE = "SIM-PASS-0001";
let sim: Awaited<ReturnType<typeof startClevertapSimulator>>;
let workspaceId: string;
let admin: ReturnType<typeof createCaller>;
let member: ReturnType<typeof createCaller>;
const logged: string[] = [];

function callerFor(user: { id: string; email: string }) {
  return createCaller({ session: { user: { id: user.id, email: user.email, name: null }, expires: new Date(Date.now() + 3600_000).toISOString() }, appUrl: "http://localhost:3000" });
}

beforeAll(async () => {
  sim = await startClevertapSimulator({ port: 0 });
  env.CLEVERTAP_API_BASE_URL = sim.url;
  for (const method of ["log", "error", "warn", "info", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
  env.LOG_LEVEL = "debug";
  const adminUser = await signUpUser({ email: "admin@secrets.test", password: "Correct-Horse-42" });
  const memberUser = await signUpUser({ email: "member@secrets.test", password: "Correct-Horse-42" });
  const ws = await createWorkspace({ userId: adminUser.id, name: "Secrets", actor: { userId: adminUser.id, label: adminUser.email } });
  workspaceId = ws.id;
  const db = await getDb();
  await db.membership.create({ data: { id: createId("mem"), workspaceId, userId: memberUser.id, role: "MEMBER" } });
  admin = callerFor(adminUser);
  member = callerFor(memberUser);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await sim.close();
  await closeDb();
});

async function storedText(): Promise<string> {
  const db = await getDb();
  const rows = await db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "Connection"`);
  const audit = await db.$queryRawUnsafe<unknown[]>(`SELECT * FROM "AuditEntry"`);
  return JSON.stringify([rows, audit]);
}

describe("connection credentials", () => {
  let connectionId: string;

  it("tests unsaved settings, creates, and stores no plaintext secret", async () => {
    const config = { accountId: "SIM-ACC-0001", passcode: PASSCODE, region: "us1" };
    await expect(admin.connection.test({ workspaceId, type: "clevertap", config })).resolves.toMatchObject({ ok: true });
    const wrong = await admin.connection.test({ workspaceId, type: "clevertap", config: { ...config, passcode: "WRONG-PASSCODE" } });
    expect(wrong).toEqual({ ok: false, message: "CleverTap rejected the Account ID or Passcode for region US (us1)" });

    const created = await admin.connection.create({ workspaceId, name: "CleverTap", type: "clevertap", config });
    connectionId = created.id;
    expect(created.config).toMatchObject({ accountId: "SIM-ACC-0001", region: "us1", passcode: { set: true } });
    expect(JSON.stringify(created)).not.toContain(PASSCODE);
    expect(await storedText()).not.toContain(PASSCODE);
    expect((await loadConnectionConfig({ workspaceId, connectionId })).config.passcode).toBe(PASSCODE);
  });

  it("returns configuration to admins only, and never the secret", async () => {
    const forAdmin = await admin.connection.get({ workspaceId, connectionId });
    expect(forAdmin.config).toMatchObject({ passcode: { set: true } });
    const forMember = await member.connection.get({ workspaceId, connectionId });
    expect(forMember.config).toBeNull();
    expect(forMember).toMatchObject({ name: "CleverTap", type: "clevertap", kind: "destination" });
    await expect(member.connection.update({ workspaceId, connectionId, name: "Mine" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const listed = await admin.connection.list({ workspaceId });
    expect(JSON.stringify(listed)).not.toContain(PASSCODE);
  });

  it("keeps the secret when an edit leaves it out, and records the test result", async () => {
    await admin.connection.update({ workspaceId, connectionId, name: "CleverTap US", config: { region: "us1", passcode: { set: true } } });
    const tested = await admin.connection.test({ workspaceId, connectionId });
    expect(tested.ok).toBe(true);
    const view = await admin.connection.get({ workspaceId, connectionId });
    expect(view.status.ok).toBe(true);
    expect(view.name).toBe("CleverTap US");
  });

  it("refuses a bad config with the field named and changes nothing", async () => {
    const before = await storedText();
    await expect(admin.connection.create({ workspaceId, name: "Broken", type: "clevertap", config: { accountId: "", passcode: "x", region: "mars" } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/region/),
    });
    expect(await storedText()).toBe(before);
  });

  it("re-encrypts under a new key", async () => {
    const newKey = randomBytes(32).toString("base64");
    const count = await rotateEncryptionKey({ newKey, oldKeys: [env.ENCRYPTION_KEY] });
    expect(count).toBe(1);
    const previous = env.ENCRYPTION_KEY;
    env.ENCRYPTION_KEY = newKey;
    try {
      expect((await loadConnectionConfig({ workspaceId, connectionId })).config.passcode).toBe(PASSCODE);
    } finally {
      env.ENCRYPTION_KEY_PREVIOUS = previous;
    }
  });

  it("never logged the secret", () => {
    expect(logged.join("\n")).not.toContain(PASSCODE);
  });
});

/**
 * Issue 8, item 6: a stored secret never goes to a host the user just typed. A fake PostgreSQL server
 * on a local port asks every client for its password in clear text and records every byte it gets; a
 * saved connection to the real PostgreSQL is then pointed at it (only host or port changed) and tested
 * and saved. It must never receive the stored password, and the stored connection must not change.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "~/server/db/client";
import { AppError } from "~/server/lib/errors";
import { createPostgresDatabase, TEST_MYSQL_URL } from "~/server/testing/databases";
import { signUpUser } from "~/server/services/users/sign-up-user";
import { createWorkspace } from "~/server/services/workspaces/create-workspace";
import { createConnection } from "./create-connection";
import { loadConnectionConfig } from "./load-connection-config";
import { testConnection } from "./test-connection";
import { updateConnection } from "./update-connection";

const actor = { userId: null, label: "endpoint test" };
const STORED = `stored-${randomBytes(8).toString("hex")}`;

/** Speaks just enough of the PostgreSQL protocol to be sent a password: AuthenticationCleartextPassword. */
function startFakePostgres() {
  const received: Buffer[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    let startup = true;
    socket.on("data", (chunk) => {
      received.push(chunk);
      if (startup) {
        startup = false;
        const auth = Buffer.alloc(9);
        auth.write("R", 0);
        auth.writeInt32BE(8, 1);
        auth.writeInt32BE(3, 5);
        socket.write(auth);
      } else {
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise<{ port: number; text: () => string; connections: () => number; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as { port: number }).port,
        text: () => Buffer.concat(received).toString("latin1"),
        connections: () => connections,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise((r) => server.close(() => r()));
        },
      }),
    ),
  );
}

let fake: Awaited<ReturnType<typeof startFakePostgres>>;
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let workspaceId: string;
let connectionId: string;

async function storedRow() {
  const db = await getDb();
  return db.connection.findUniqueOrThrow({ where: { id: connectionId } });
}

async function expectRefused(promise: Promise<unknown>, fields: string[]) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("BAD_REQUEST");
  expect(Object.keys((error as AppError).details.fieldErrors ?? {}).sort()).toEqual(fields.sort());
  expect((error as AppError).message).toMatch(/enter .* again/i);
}

beforeAll(async () => {
  fake = await startFakePostgres();
  database = await createPostgresDatabase("endpoint");
  const user = await signUpUser({ email: `endpoint-${randomBytes(4).toString("hex")}@example.com`, password: "Correct-Horse-42" });
  workspaceId = (await createWorkspace({ userId: user.id, name: "Endpoints", actor })).id;
  const created = await createConnection({
    workspaceId,
    name: "Warehouse",
    type: "postgres",
    config: { host: "127.0.0.1", port: 5432, database: database.name, user: "postgres", password: STORED },
    actor,
  });
  connectionId = created.id;
});

afterAll(async () => {
  await fake?.close();
  await closeDb();
  await database?.drop();
});

describe("changing where a connection points", () => {
  it("the fake server asks for passwords and records them (the trap works)", async () => {
    const result = await testConnection({ workspaceId, type: "postgres", config: { host: "127.0.0.1", port: fake.port, database: "x", user: "probe", password: "typed-probe-password" } });
    expect(result.ok).toBe(false);
    expect(fake.text()).toContain("typed-probe-password");
  });

  it("testing unsaved host or port changes never sends the stored password", async () => {
    const before = fake.connections();
    const spellings = [{ port: fake.port }, { host: "localhost", port: fake.port }, { host: " 127.0.0.1 ", port: fake.port, password: "" }, { port: fake.port, password: { set: true } }];
    for (const config of spellings) await expectRefused(testConnection({ workspaceId, connectionId, config }), ["password"]);
    // A value the schema refuses is reported as itself, and nothing is tested either.
    const invalid = await testConnection({ workspaceId, connectionId, config: { port: String(fake.port) } }).then(() => null, (error: unknown) => error);
    expect((invalid as AppError).details.fieldErrors).toHaveProperty("port");
    expect(fake.connections()).toBe(before);
    expect(fake.text()).not.toContain(STORED);
  });

  it("turning SSL off is a change of where the password may go, too", async () => {
    await updateConnection({ workspaceId, connectionId, config: { sslMode: "require", password: STORED }, actor });
    await expectRefused(testConnection({ workspaceId, connectionId, config: { sslMode: "disable" } }), ["password"]);
    await updateConnection({ workspaceId, connectionId, config: { sslMode: "disable", password: STORED }, actor });
  });

  it("saving a host or port change without the password changes nothing", async () => {
    const before = await storedRow();
    await expectRefused(updateConnection({ workspaceId, connectionId, config: { port: fake.port }, actor }), ["password"]);
    await expectRefused(updateConnection({ workspaceId, connectionId, config: { host: "127.0.0.2" }, actor }), ["password"]);
    const after = await storedRow();
    expect(after.config).toEqual(before.config);
    expect(after.secrets).toBe(before.secrets);
    expect((await loadConnectionConfig({ workspaceId, connectionId })).config.password).toBe(STORED);
    expect(fake.text()).not.toContain(STORED);
  });

  it("the same settings, unchanged, and fields that are not endpoints keep the stored password", async () => {
    await updateConnection({ workspaceId, connectionId, config: { host: "127.0.0.1", port: 5432, database: database.name }, actor });
    expect((await loadConnectionConfig({ workspaceId, connectionId })).config.password).toBe(STORED);
    const result = await testConnection({ workspaceId, connectionId });
    expect(result).toMatchObject({ ok: true });
  });

  it("a new host with the password typed again gets only what was typed", async () => {
    const typed = `typed-${randomBytes(6).toString("hex")}`;
    const result = await testConnection({ workspaceId, connectionId, config: { port: fake.port, password: typed } });
    expect(result.ok).toBe(false);
    expect(fake.text()).toContain(typed);
    expect(fake.text()).not.toContain(STORED);
  });

  it("destinations: a new region or account asks for the passcode again", async () => {
    const ct = await createConnection({ workspaceId, name: "CleverTap", type: "clevertap", config: { accountId: "ACC-1", passcode: "PASS-1234", region: "us1" }, actor });
    await expectRefused(updateConnection({ workspaceId, connectionId: ct.id, config: { region: "in1" }, actor }), ["passcode"]);
    await expectRefused(testConnection({ workspaceId, connectionId: ct.id, config: { accountId: "ACC-2" } }), ["passcode"]);
    const updated = await updateConnection({ workspaceId, connectionId: ct.id, config: { region: "in1", passcode: "PASS-5678" }, actor });
    expect(updated.config).toMatchObject({ region: "in1", passcode: { set: true } });
    expect((await loadConnectionConfig({ workspaceId, connectionId: ct.id })).config.passcode).toBe("PASS-5678");

    const cio = await createConnection({ workspaceId, name: "Customer.io", type: "customerio", config: { siteId: "site", apiKey: "key-1234", appApiKey: "app-1234", region: "us" }, actor });
    await expectRefused(updateConnection({ workspaceId, connectionId: cio.id, config: { region: "eu" }, actor }), ["apiKey", "appApiKey"]);
    // An optional secret can be dropped explicitly instead of typed again.
    await updateConnection({ workspaceId, connectionId: cio.id, config: { region: "eu", apiKey: "key-5678", appApiKey: null }, actor });
    const cioConfig = (await loadConnectionConfig({ workspaceId, connectionId: cio.id })).config;
    expect(cioConfig).toMatchObject({ region: "eu", apiKey: "key-5678" });
    expect(cioConfig.appApiKey).toBeUndefined();
  });

  it("MySQL: a new port without the password is refused before any connection", async () => {
    const url = new URL(TEST_MYSQL_URL);
    const my = await createConnection({ workspaceId, name: "MariaDB", type: "mysql", config: { host: url.hostname, port: Number(url.port || 3306), database: "test", user: "root", password: STORED }, actor });
    const before = fake.connections();
    await expectRefused(testConnection({ workspaceId, connectionId: my.id, config: { port: fake.port } }), ["password"]);
    await expectRefused(updateConnection({ workspaceId, connectionId: my.id, config: { host: "localhost" }, actor }), ["password"]);
    expect(fake.connections()).toBe(before);
  });
});

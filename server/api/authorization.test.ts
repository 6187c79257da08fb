/**
 * The authorization suite: every workspace-scoped procedure, enumerated from the router itself, is
 * called by a non-member (NOT_FOUND) and by each role that lacks its permission (FORBIDDEN), and the
 * database must be unchanged afterwards. A procedure nobody classified fails the suite.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "~/server/db/generated/client";
import { closeDb, getDb } from "~/server/db/client";
import { createId } from "~/server/lib/ids";
import { PERMISSIONS, hasPermission, type Permission } from "~/server/services/workspaces/permissions";
import { appRouter, createCaller } from "./root";
import type { ProcedureMeta } from "./trpc";

/** Procedures that are not scoped to a workspace, and why that is safe. */
const NON_WORKSPACE_PROCEDURES: Record<string, string> = {
  "auth.signUp": "public: creates the caller's own account",
  "workspace.listMine": "lists only the caller's memberships",
  "workspace.create": "creates a workspace owned by the caller",
  "workspace.bySlug": "returns null unless the caller is a member",
  "invitation.byToken": "needs the secret token from the link",
  "invitation.accept": "needs the secret token and the invited email",
};

/**
 * Procedures that run a query on a source connection. Each needs models.query, so a VIEWER gets FORBIDDEN
 * (checked for every procedure below). Other procedures that read a source (connection.test, sync.create,
 * sync.update, syncRun.request) need permissions that permissions.test.ts keeps within models.query's roles.
 */
const SOURCE_QUERY_PROCEDURES = ["connection.discover", "connection.preview", "connection.columns", "sync.suggestMappings"];

type AnyProcedure = { _def: { meta?: ProcedureMeta; type: string } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
const workspaceProcedures = procedures.filter(([, p]) => p._def.meta?.scope === "workspace");

let workspaceId: string;
const users: Record<Role | "OUTSIDER", { id: string; email: string }> = {} as never;

function callerFor(user: { id: string; email: string }) {
  return createCaller({ session: { user: { id: user.id, email: user.email, name: null }, expires: new Date(Date.now() + 3600_000).toISOString() }, appUrl: "http://localhost:3000" });
}

async function call(user: { id: string; email: string }, path: string, input: unknown): Promise<unknown> {
  const caller = callerFor(user) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
  const [router, name] = path.split(".") as [string, string];
  return caller[router]![name]!(input);
}

async function snapshot() {
  const db = await getDb();
  return JSON.stringify(
    await Promise.all([
      db.workspace.findMany({ orderBy: { id: "asc" } }),
      db.membership.findMany({ orderBy: { id: "asc" } }),
      db.invitation.findMany({ orderBy: { id: "asc" } }),
      db.apiToken.findMany({ orderBy: { id: "asc" } }),
      db.connection.findMany({ orderBy: { id: "asc" } }),
      db.sync.findMany({ orderBy: { id: "asc" } }),
      db.syncRun.findMany({ orderBy: { id: "asc" } }),
      db.alertPolicy.findMany({ orderBy: { id: "asc" } }),
      db.alertChannel.findMany({ orderBy: { id: "asc" } }),
      db.auditEntry.count(),
    ]),
  );
}

beforeAll(async () => {
  const db = await getDb();
  workspaceId = createId("ws");
  await db.workspace.create({ data: { id: workspaceId, name: "Guarded", slug: `guarded-${workspaceId.slice(-6)}` } });
  for (const role of ["ADMIN", "MEMBER", "VIEWER", "OUTSIDER"] as const) {
    const user = { id: createId("usr"), email: `${role.toLowerCase()}-${workspaceId}@example.com` };
    await db.user.create({ data: user });
    if (role !== "OUTSIDER") await db.membership.create({ data: { id: createId("mem"), workspaceId, userId: user.id, role } });
    users[role] = user;
  }
  // Rows of each kind, so mutations have something they could wrongly change.
  await db.connection.create({ data: { id: createId("conn"), workspaceId, name: "Warehouse", type: "postgres", kind: "SOURCE", config: { host: "127.0.0.1" } } });
  await db.apiToken.create({ data: { id: createId("tok"), workspaceId, name: "ci", tokenHash: `h-${workspaceId}`, prefix: "twk_x" } });
});

afterAll(async () => {
  await closeDb();
});

describe("procedure classification", () => {
  it("finds workspace procedures in the router", () => {
    expect(workspaceProcedures.length).toBeGreaterThan(10);
  });

  it.each(procedures.map(([path, p]) => [path, p] as const))("%s is classified", (path, procedure) => {
    const meta = procedure._def.meta;
    if (meta?.scope === "workspace") {
      expect(meta.permission, `${path} needs meta.permission`).toBeDefined();
      expect(Object.keys(PERMISSIONS)).toContain(meta.permission);
    } else {
      expect(NON_WORKSPACE_PROCEDURES, `${path} is neither workspace-scoped nor listed as safe`).toHaveProperty([path]);
    }
  });
});

describe("source queries", () => {
  it.each(SOURCE_QUERY_PROCEDURES)("%s needs models.query, which viewers lack", async (path) => {
    const procedure = procedures.find(([p]) => p === path)?.[1];
    expect(procedure?._def.meta?.permission).toBe("models.query");
    const before = await snapshot();
    const error = await call(users.VIEWER, path, { workspaceId, connectionId: "any", sourceId: "any", destinationId: "any", object: "profile", model: { type: "sql", sql: "select 1" } }).catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect((error as TRPCError).message).toContain("models.query");
    expect(await snapshot()).toBe(before);
  });
});

describe.each(workspaceProcedures.map(([path, p]) => [path, p._def.meta!.permission as Permission] as const))("%s", (path, permission) => {
  it("answers NOT_FOUND to a non-member and changes nothing", async () => {
    const before = await snapshot();
    const error = await call(users.OUTSIDER, path, { workspaceId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("NOT_FOUND");
    expect(await snapshot()).toBe(before);
  });

  it("answers FORBIDDEN to roles without the permission and changes nothing", async () => {
    const denied = (["ADMIN", "MEMBER", "VIEWER"] as const).filter((r) => !hasPermission(r, permission));
    for (const role of denied) {
      const before = await snapshot();
      const error = await call(users[role], path, { workspaceId }).catch((e: unknown) => e);
      expect(error, `${role} calling ${path}`).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe("FORBIDDEN");
      expect(await snapshot()).toBe(before);
    }
  });

  it("lets roles with the permission past the guard", async () => {
    const allowed = (["ADMIN", "MEMBER", "VIEWER"] as const).find((r) => hasPermission(r, permission))!;
    const error = await call(users[allowed], path, { workspaceId }).then(
      () => null,
      (e: unknown) => e,
    );
    // Missing procedure-specific input is fine here; being refused by the guard is not.
    const refusedByGuard =
      error instanceof TRPCError && (error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED" || (error.code === "NOT_FOUND" && error.message === "Workspace not found"));
    expect(refusedByGuard, `${allowed} calling ${path}: ${String(error)}`).toBe(false);
  });
});

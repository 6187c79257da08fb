import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import { alertRouter } from "./routers/alert";
import { apiTokenRouter } from "./routers/api-token";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { connectionRouter } from "./routers/connection";
import { invitationRouter } from "./routers/invitation";
import { memberRouter } from "./routers/member";
import { syncRouter } from "./routers/sync";
import { syncRunRouter } from "./routers/sync-run";
import { workspaceRouter } from "./routers/workspace";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  workspace: workspaceRouter,
  member: memberRouter,
  invitation: invitationRouter,
  apiToken: apiTokenRouter,
  audit: auditRouter,
  connection: connectionRouter,
  sync: syncRouter,
  syncRun: syncRunRouter,
  alert: alertRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

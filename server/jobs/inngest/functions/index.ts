import { createEngineDeps } from "~/server/jobs/engine-deps";
import { cleanupRunData } from "./cleanup-run-data";
import { createExecuteSyncRun } from "./execute-sync-run";
import { finishCancelledRun } from "./finish-cancelled-run";
import { scheduleDueSyncs } from "./schedule-due-syncs";

export const executeSyncRun = createExecuteSyncRun({ deps: () => createEngineDeps() });

/** Every function the app serves at /api/inngest. */
export const functions = [executeSyncRun, scheduleDueSyncs, finishCancelledRun, cleanupRunData];

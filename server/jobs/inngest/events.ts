/** The events the app sends to Inngest, with their payload schemas (validated when a function receives them). */
import { eventType } from "inngest";
import { z } from "zod";
import { inngest } from "./client";

export const ZRunRequestedData = z.object({
  runId: z.string().min(1),
  syncId: z.string().min(1),
  workspaceId: z.string().min(1),
  destinationId: z.string().min(1),
});
export type RunRequestedData = z.infer<typeof ZRunRequestedData>;

export const ZRunCancelRequestedData = z.object({
  runId: z.string().min(1),
  syncId: z.string().min(1),
  workspaceId: z.string().min(1),
});
export type RunCancelRequestedData = z.infer<typeof ZRunCancelRequestedData>;

export const runRequested = eventType("sync/run.requested", { schema: ZRunRequestedData });
export const runCancelRequested = eventType("sync/run.cancel-requested", { schema: ZRunCancelRequestedData });

/** Event id for a run: Inngest ignores a second event with the same id for 24 h, so a run starts once. */
export function runRequestedEventId(runId: string): string {
  return `run-${runId}`;
}

/** Event id for a scheduled occurrence, so one tick (or a retried one) never starts a sync twice. */
export function scheduledRunEventId(syncId: string, scheduledFor: string): string {
  return `schedule-${syncId}-${scheduledFor}`;
}

export async function sendRunRequested(data: RunRequestedData, options: { id?: string } = {}): Promise<void> {
  await inngest.send(runRequested.create(data, { id: options.id ?? runRequestedEventId(data.runId) }));
}

export async function sendRunCancelRequested(data: RunCancelRequestedData): Promise<void> {
  await inngest.send(runCancelRequested.create(data));
}

import { AppError } from "~/server/lib/errors";
import { computeNextRuns, describeSchedule } from "~/server/sync/schedule";
import { ZSchedule } from "~/server/sync/definition";

/** The next five run times of a schedule being edited, or the reason it is invalid. */
export function previewSchedule({ schedule }: { schedule: unknown }) {
  const parsed = ZSchedule.safeParse(schedule);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "Invalid schedule";
    throw new AppError("BAD_REQUEST", message, { fieldErrors: { schedule: message } });
  }
  return { description: describeSchedule(parsed.data), nextRuns: computeNextRuns(parsed.data, new Date(), 5) };
}

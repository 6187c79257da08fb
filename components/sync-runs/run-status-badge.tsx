import { CheckCircle2, CircleCheck, CircleSlash, Clock, Loader2, TriangleAlert, XCircle } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import type { RunStatus } from "./sync-run-types";

const STATUS: Record<RunStatus, { label: string; tone: "gray" | "green" | "red" | "amber" | "blue"; icon: typeof Clock }> = {
  QUEUED: { label: "Queued", tone: "gray", icon: Clock },
  RUNNING: { label: "Running", tone: "blue", icon: Loader2 },
  SUCCEEDED: { label: "Succeeded", tone: "green", icon: CheckCircle2 },
  // Neutral: the rows that were sent went through; the invalid ones are the source's data to fix.
  SUCCEEDED_WITH_INVALID_ROWS: { label: "Succeeded with invalid rows", tone: "gray", icon: CircleCheck },
  SUCCEEDED_WITH_REJECTIONS: { label: "Succeeded with rejections", tone: "amber", icon: TriangleAlert },
  FAILED: { label: "Failed", tone: "red", icon: XCircle },
  CANCELLED: { label: "Cancelled", tone: "gray", icon: CircleSlash },
};

export function formatRunStatus(status: RunStatus): string {
  return STATUS[status].label;
}

/** Every status in the order filters list them. */
export const RUN_STATUS_OPTIONS = (Object.keys(STATUS) as RunStatus[]).map((status) => ({ value: status, label: STATUS[status].label }));

export function RunStatusBadge({ status }: { status: RunStatus }) {
  const { label, tone, icon: Icon } = STATUS[status];
  return (
    <Badge tone={tone}>
      <Icon className={status === "RUNNING" ? "h-3 w-3 animate-spin" : "h-3 w-3"} aria-hidden />
      {label}
    </Badge>
  );
}

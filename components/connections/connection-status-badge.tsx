"use client";

import { formatDistanceToNow } from "date-fns";
import { CheckCircle2, CircleDashed, XCircle } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import type { ConnectionStatus } from "./connection-types";

function describeTestTime(testedAt: Date | null): string {
  return testedAt ? formatDistanceToNow(testedAt, { addSuffix: true }) : "";
}

/** The last test of a connection: Tested OK / Failed: why / Not tested, with when it ran. */
export function ConnectionStatusBadge({ status, truncate = true }: { status: ConnectionStatus; truncate?: boolean }) {
  const when = describeTestTime(status.testedAt);
  if (status.ok === true) {
    return (
      <span className="inline-flex flex-wrap items-center gap-1.5" data-testid="connection-status">
        <Badge tone="green">
          <CheckCircle2 className="h-3.5 w-3.5" aria-hidden /> Tested OK
        </Badge>
        {when ? <span className="text-xs text-slate-500">{when}</span> : null}
      </span>
    );
  }
  if (status.ok === false) {
    return (
      <span className="flex min-w-0 max-w-full flex-wrap items-center gap-x-1.5 gap-y-1" data-testid="connection-status">
        <Badge tone="red" className={truncate ? "min-w-0 max-w-full overflow-hidden" : "min-w-0 max-w-full items-start rounded-md"}>
          <XCircle className={truncate ? "h-3.5 w-3.5 shrink-0" : "mt-px h-3.5 w-3.5 shrink-0"} aria-hidden />
          <span className={truncate ? "min-w-0 truncate" : "min-w-0 break-words"} title={truncate ? (status.message ?? undefined) : undefined}>
            {status.message ? `Failed: ${status.message}` : "Failed"}
          </span>
        </Badge>
        {when ? <span className="text-xs text-slate-500">{when}</span> : null}
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-1.5" data-testid="connection-status">
      <Badge tone="gray">
        <CircleDashed className="h-3.5 w-3.5" aria-hidden /> Not tested
      </Badge>
    </span>
  );
}

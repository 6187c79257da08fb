import { z } from "zod";
import type { RecordErrorKind, RunStatus, RunTrigger } from "~/server/db/generated/client";
import type { RunView } from "~/server/services/sync-runs/run-view";
import { ZVerification } from "~/server/sync/verify-run";
import { toIso, ZPageQuery, ZTimestamp } from "./common";

export const ZRunStatus = z.enum(["queued", "running", "succeeded", "succeeded_with_invalid_rows", "succeeded_with_rejections", "failed", "cancelled"]).meta({
  id: "RunStatus",
  description:
    "`succeeded_with_invalid_rows`: finished; some rows were not sent because the source held invalid values (null or duplicate key, a value that does not convert), none was refused. " +
    "`succeeded_with_rejections`: finished, but the destination refused some rows (retried on the next run); there may be invalid rows too. See the run's errors.",
});

export const ZRunCounts = z
  .object({
    read: z.number().int().meta({ description: "Rows read from the model." }),
    invalid: z.number().int().meta({ description: "Rows not sent: null or duplicate key, or a value that cannot be converted or breaks a destination limit." }),
    unchanged: z.number().int().meta({ description: "Rows whose mapped fields did not change since the destination last accepted them (not sent)." }),
    created: z.number().int(),
    updated: z.number().int(),
    rejected: z.number().int().meta({ description: "Rows the destination refused; they are retried on the next run." }),
    retried: z.number().int().meta({ description: "Rows sent again because an earlier run had them rejected." }),
    fieldsDropped: z
      .number()
      .int()
      .meta({ description: "Field values left out under a mapping's `drop_field` policy; their rows were sent without them and are not counted as invalid." }),
  })
  .meta({ id: "RunCounts" });

export const ZRunTriggeredBy = z
  .object({
    kind: z.enum(["user", "schedule", "api_token", "unknown"]),
    name: z.string().nullable().meta({ description: "The user's name or e-mail, or the API token's name; null for the schedule, or when no longer known." }),
  })
  .meta({ id: "RunTriggeredBy", description: "Who or what started the run." });

export const ZRunWarningPublic = z
  .object({
    code: z.enum(["no_rows", "fewer_rows"]).meta({
      description: "`no_rows`: the model returned 0 rows. `fewer_rows`: under half the rows of the sync's last successful run.",
    }),
    message: z.string(),
    rowsRead: z.number().int(),
    previousRowsRead: z.number().int().nullable(),
    previousRunId: z.string().nullable(),
  })
  .meta({ id: "RunWarning" });

const ZPublicVerification = ZVerification.meta({
  id: "Verification",
  description: "Read-back of up to 20 delivered records and links to the destination; null until the run finished and was verified.",
});

export const ZRun = z
  .object({
    id: z.string(),
    syncId: z.string(),
    status: ZRunStatus,
    trigger: z.enum(["manual", "schedule", "api"]),
    triggeredBy: ZRunTriggeredBy,
    fullResync: z.boolean(),
    read: z
      .object({
        mode: z.enum(["full", "incremental"]),
        since: z.object({ column: z.string(), value: z.string() }).nullable().meta({ description: "Incremental runs: only rows whose `column` is greater than `value` (the watermark minus the look-back) were read." }),
      })
      .nullable()
      .meta({ description: "Syncs with change tracking: whether the run read every row (`full`) or only the changed ones (`incremental`); rows an incremental run did not read are not counted." }),
    counts: ZRunCounts,
    totalRows: z.number().int().nullable().meta({ description: "Rows in the model when the run started, when the source can count them." }),
    queuedAt: ZTimestamp,
    startedAt: ZTimestamp.nullable(),
    finishedAt: ZTimestamp.nullable(),
    error: z.string().nullable().meta({ description: "Why the run failed (status `failed`)." }),
    verification: ZPublicVerification.nullable(),
    warnings: z.array(ZRunWarningPublic).meta({ description: "Things worth a look on a run that still succeeded, such as a model that suddenly returned far fewer rows." }),
  })
  .meta({ id: "Run" });

export const ZRunList = z.object({ data: z.array(ZRun), nextCursor: z.string().nullable() }).meta({ id: "RunList" });

export const ZRunListQuery = ZPageQuery;

export const ZTriggerRunBody = z
  .object({
    fullResync: z.boolean().optional().meta({ description: "Forget what was sent before and send every row again." }),
    confirmName: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "The sync's name. Required for a full resync of events that the destination cannot de-duplicate (CleverTap events), which would arrive twice; otherwise ignored." }),
  })
  .optional()
  .meta({ id: "TriggerRun" });

export const ZTriggerRunResult = z
  .object({
    runId: z.string(),
    alreadyRunning: z.boolean().meta({ description: "True when the sync already had a queued or running run: `runId` is that run." }),
  })
  .meta({ id: "TriggeredRun" });

const ERROR_KINDS = { invalid: "INVALID", rejected: "REJECTED", dropped_field: "DROPPED_FIELD" } as const satisfies Record<string, RecordErrorKind>;
const PUBLIC_ERROR_KINDS = { INVALID: "invalid", REJECTED: "rejected", DROPPED_FIELD: "dropped_field" } as const satisfies Record<RecordErrorKind, keyof typeof ERROR_KINDS>;

export const ZRecordErrorKind = z.enum(["invalid", "rejected", "dropped_field"]).meta({
  id: "RecordErrorKind",
  description: "`invalid`: the row was not sent. `rejected`: the destination refused it (retried next run). `dropped_field`: this field was left out under the mapping's `drop_field` policy and the rest of the row was sent.",
});

export const ZRunErrorsQuery = z.object({
  kind: ZRecordErrorKind.optional().meta({ description: "Only invalid rows, only destination rejections, or only dropped field values." }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().min(1).optional(),
});

export const ZRunErrorsCsvQuery = z.object({
  kind: z.enum(["invalid", "rejected"]).optional().meta({ description: "Only invalid rows, or only destination rejections." }),
  field: z.string().max(500).optional().meta({ description: "Only errors of this field; empty for errors that name no field." }),
  group: z.string().max(2000).optional().meta({ description: "Only one group: the reason with its values taken out, as the run page shows it." }),
  search: z.string().max(500).optional().meta({ description: "Only records whose key contains this text (any case)." }),
});

export function toRunErrorFilter(query: z.output<typeof ZRunErrorsCsvQuery>) {
  return {
    kind: toRecordErrorKind(query.kind),
    field: query.field === undefined ? undefined : query.field === "" ? null : query.field,
    reasonGroup: query.group,
    search: query.search,
  };
}

export const ZRunErrorList = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        kind: ZRecordErrorKind,
        key: z.string().nullable().meta({ description: "The row's sync key; null for rows whose key is null or empty." }),
        rowNumber: z.number().int().nullable().meta({ description: "The row's position in the run's read order (1-based: keyed rows by key, then null-key rows), when known." }),
        rowValues: z.string().nullable().meta({ description: "A few of the row's column values, for rows whose key cannot identify them (null, empty or repeated)." }),
        field: z.string().nullable(),
        reason: z.string(),
        code: z.string().nullable().meta({ description: "The destination's own error code, when it gave one." }),
        createdAt: ZTimestamp,
      }),
    ),
    totals: z.object({ invalid: z.number().int(), rejected: z.number().int(), droppedField: z.number().int() }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "RunErrorList" });

export function toRecordErrorKind(kind: keyof typeof ERROR_KINDS | undefined): RecordErrorKind | undefined {
  return kind ? ERROR_KINDS[kind] : undefined;
}

export function toPublicRecordErrorKind(kind: RecordErrorKind): keyof typeof ERROR_KINDS {
  return PUBLIC_ERROR_KINDS[kind];
}

export function toPublicRunStatus(status: RunStatus): z.output<typeof ZRunStatus> {
  return status.toLowerCase() as z.output<typeof ZRunStatus>;
}

function toPublicTrigger(trigger: RunTrigger): "manual" | "schedule" | "api" {
  return trigger.toLowerCase() as "manual" | "schedule" | "api";
}

export function toPublicRun(run: RunView): z.input<typeof ZRun> {
  const verification = ZVerification.safeParse(run.verification);
  return {
    id: run.id,
    syncId: run.syncId,
    status: toPublicRunStatus(run.status),
    trigger: toPublicTrigger(run.trigger),
    triggeredBy: run.triggeredBy,
    fullResync: run.fullResync,
    read: run.read,
    counts: run.counts,
    totalRows: run.totalRows,
    queuedAt: toIso(run.queuedAt),
    startedAt: toIso(run.startedAt),
    finishedAt: toIso(run.finishedAt),
    error: run.error,
    verification: verification.success ? verification.data : null,
    warnings: run.warnings.map((w) => ({ ...w, code: w.code === "NO_ROWS" ? ("no_rows" as const) : ("fewer_rows" as const) })),
  };
}

/**
 * Test-only in-memory connectors, so the engine's tests do not depend on real sources or destinations.
 * The fake destination keeps what it accepted and lets a test inject faults per request or per record.
 */
import { z } from "zod";
import { DestinationRequestError } from "~/server/connectors/errors";
import type {
  DestinationConnector,
  DestinationObject,
  FieldValue,
  OutRecord,
  RecordResult,
  Row,
  SourceColumn,
  SourceConnector,
} from "~/server/connectors/types";

const ZFakeConfig = z.object({ label: z.string().default("fake").meta({ label: "Label" }) });
type FakeConfig = z.infer<typeof ZFakeConfig>;

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export type FakeSource = SourceConnector<FakeConfig> & {
  rows: Row[];
  columns: SourceColumn[];
  /** Every readPage call: the limit asked for and how many rows came back. */
  reads: { after: unknown; limit: number; returned: number }[];
};

export function createFakeSource(p: { rows: Row[]; columns: SourceColumn[] }): FakeSource {
  const source: FakeSource = {
    id: "fake-source",
    kind: "source",
    label: "Fake source",
    description: "In-memory rows for tests",
    verified: true,
    configSchema: ZFakeConfig,
    rows: p.rows,
    columns: p.columns,
    reads: [],
    async check() {
      return { ok: true, message: "ok" };
    },
    async discover() {
      return { schemas: [{ name: "public", tables: [{ schema: "public", name: "rows", columns: source.columns }] }] };
    },
    async describeModel() {
      return source.columns;
    },
    async preview({ limit }) {
      return { columns: source.columns, rows: source.rows.slice(0, limit) };
    },
    async countRows() {
      return source.rows.length;
    },
    async readPage({ keyColumn, after, limit }) {
      const page = source.rows
        .filter((r) => r[keyColumn] !== null && r[keyColumn] !== undefined)
        .filter((r) => after === undefined || compareKeys(r[keyColumn], after) >= 0)
        .sort((a, b) => compareKeys(a[keyColumn], b[keyColumn]))
        .slice(0, limit)
        .map((r) => ({ ...r }));
      source.reads.push({ after, limit, returned: page.length });
      return page;
    },
    async readNullKeyRows({ keyColumn, limit }) {
      const rows = source.rows.filter((r) => r[keyColumn] === null || r[keyColumn] === undefined);
      return { rows: rows.slice(0, limit), total: rows.length };
    },
  };
  return source;
}

export type FakeDestinationOptions = {
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  maxRecordBytes?: number;
  maxConcurrency?: number;
  supportsEventId?: boolean;
  /** Values longer than this fail validateRecord (a "documented destination limit"). */
  maxValueLength?: number;
};

export type FakeDestination = DestinationConnector<FakeConfig> & {
  /** Accepted profiles by identifier value. */
  profiles: Map<string, Record<string, FieldValue>>;
  /** Accepted events, in arrival order (duplicates included). */
  events: OutRecord[];
  /** Every write request, including failed ones. */
  requests: { records: OutRecord[]; outcome: "ok" | "error" }[];
  maxInFlightSeen: number;
  /** Runs before each request; throw to fail it (a DestinationRequestError or anything else). */
  beforeWrite?: (records: OutRecord[], requestNumber: number) => void | Promise<void>;
  /** Runs after the records were stored; throw to simulate a process dying after the destination accepted. */
  afterStore?: (records: OutRecord[], requestNumber: number) => void | Promise<void>;
  /** A message rejects the record on its own. */
  rejectRecord?: (record: OutRecord) => string | undefined;
  /** True for a record that makes the destination refuse any batch containing it (400 on the body). */
  poisonsBatch?: (record: OutRecord) => boolean;
};

export function createFakeDestination(options: FakeDestinationOptions = {}): FakeDestination {
  const limits = {
    maxBatchRecords: options.maxBatchRecords ?? 100,
    maxBatchBytes: options.maxBatchBytes,
    maxRecordBytes: options.maxRecordBytes,
    maxConcurrency: options.maxConcurrency ?? 4,
  };
  const maxValueLength = options.maxValueLength ?? 100;
  const objects: DestinationObject[] = [
    {
      id: "profile",
      label: "Profile",
      type: "profile",
      behaviors: [
        { id: "upsert", label: "Update or Create", description: "" },
        { id: "update", label: "Update Only", description: "" },
      ],
      identifiers: [
        { id: "identity", label: "Identity", description: "" },
        { id: "email", label: "Email", description: "" },
      ],
      standardFields: [
        { name: "Name", label: "Name", type: "string", aliases: ["username", "name", "fullname"] },
        { name: "Email", label: "Email", type: "string", aliases: ["email", "emailaddress"] },
        { name: "Phone", label: "Phone", type: "string", aliases: ["phone", "phonenumber", "mobile"] },
        { name: "DOB", label: "Date of birth", type: "date", aliases: ["dob", "birthday", "dateofbirth"] },
      ],
      supportsEventId: false,
      objectValues: { accepted: true, note: "Objects and arrays are stored as they are." },
      limits,
    },
    {
      id: "event",
      label: "Event",
      type: "event",
      behaviors: [{ id: "append", label: "Send", description: "" }],
      identifiers: [{ id: "identity", label: "Identity", description: "" }],
      standardFields: [],
      supportsEventId: options.supportsEventId ?? true,
      objectValues: { accepted: true, note: "Objects and arrays are stored as they are." },
      limits,
    },
  ];

  let inFlight = 0;
  const destination: FakeDestination = {
    id: "fake-destination",
    kind: "destination",
    label: "Fake destination",
    description: "In-memory destination for tests",
    verified: true,
    configSchema: ZFakeConfig,
    objects,
    profiles: new Map(),
    events: [],
    requests: [],
    maxInFlightSeen: 0,
    async check() {
      return { ok: true, message: "ok" };
    },
    validateRecord({ record }) {
      return Object.entries(record.fields)
        .filter(([, v]) => typeof v === "string" && v.length > maxValueLength)
        .map(([field]) => ({ field, reason: `value of ${field} is longer than ${maxValueLength} characters`, code: "value_too_long" }));
    },
    buildPayload({ record }) {
      return record;
    },
    measureRecord({ record }) {
      return Buffer.byteLength(JSON.stringify(record));
    },
    async write({ object, behavior, records }) {
      const requestNumber = destination.requests.length + 1;
      const request = { records, outcome: "error" as "ok" | "error" };
      destination.requests.push(request);
      inFlight += 1;
      destination.maxInFlightSeen = Math.max(destination.maxInFlightSeen, inFlight);
      try {
        // Let other in-flight requests start, as a network call would.
        await new Promise((resolve) => setImmediate(resolve));
        await destination.beforeWrite?.(records, requestNumber);
        if (destination.poisonsBatch && records.some(destination.poisonsBatch)) {
          throw new DestinationRequestError("the request body holds an invalid record", { status: 400, retryable: false, batchRejected: true, code: "bad_body" });
        }
        const results: RecordResult[] = records.map((record) => {
          const rejection = destination.rejectRecord?.(record);
          if (rejection) return { key: record.key, status: "rejected", message: rejection, code: "record_refused", field: Object.keys(record.fields)[0] };
          if (object.type === "event") {
            destination.events.push(record);
            return { key: record.key, status: "accepted" };
          }
          const existing = destination.profiles.get(record.identifier.value);
          if (!existing && behavior === "update") return { key: record.key, status: "rejected", message: "profile does not exist", code: "not_found" };
          destination.profiles.set(record.identifier.value, { ...existing, ...record.fields });
          return { key: record.key, status: "accepted", externalId: `ext-${record.identifier.value}` };
        });
        await destination.afterStore?.(records, requestNumber);
        request.outcome = "ok";
        return results;
      } finally {
        inFlight -= 1;
      }
    },
  };
  return destination;
}

/**
 * The Customer.io simulator's workspace: people, events and activities, with the documented identify
 * and event rules (shared/reference/customerio-api.md §1, §2, §8). HTTP framing lives in server.ts.
 */
import { randomBytes } from "node:crypto";

export type IdentifierType = "id" | "email" | "cio_id";
export type Identifier = { type: IdentifierType; value: string };

/** One problem with an operation, in the shape of a v2 `errors[]` entry (without batch_index). */
export type OperationError = { reason: string; field: string; message: string };

export type StoredPerson = {
  cioId: string;
  id?: string;
  email?: string;
  /** Custom and reserved attributes exactly as sent (the App API renders them as strings). */
  attributes: Record<string, unknown>;
  /** Unix seconds each attribute was last set, used to order updates that carry a timestamp. */
  setAt: Record<string, number>;
  createdAt: number;
};

export type StoredEvent = {
  cioId: string;
  name: string;
  type: "event" | "page" | "screen";
  id?: string;
  timestamp: number;
  data: Record<string, unknown>;
  receivedAt: number;
};

export type Activity = {
  id: string;
  cioId?: string;
  identifier?: Identifier;
  type: "profile_create" | "attribute_change" | "failed_attribute_change" | "event" | "page" | "screen" | "profile_delete" | "failed_event";
  name?: string;
  timestamp: number;
  data?: Record<string, unknown>;
  reason?: string;
};

export type StoreOptions = {
  /** Whether an event for someone unknown creates the person (unconfirmed upstream; default true). */
  eventsCreatePeople: boolean;
};

export const LIMITS = {
  identifierBytes: 150,
  attributeNameBytes: 150,
  attributeValueBytes: 1000,
  attributesPerCall: 300,
  eventNameBytes: 100,
  eventDataBytes: 100_000,
} as const;

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ULID_SHAPE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const CIO_ID_SHAPE = /^[a-zA-Z0-9]+$/;
/** Keys of an identify body that steer the call instead of being stored. */
const CONTROL_KEYS = new Set(["_update", "_timestamp"]);

const byteLength = (v: string) => Buffer.byteLength(v, "utf8");
const nowSeconds = () => Math.floor(Date.now() / 1000);

export function isEmailShaped(value: string): boolean {
  return EMAIL_SHAPE.test(value);
}

/** How a v1 path segment is read: by its shape (§1.3). */
export function parsePathIdentifier(raw: string): Identifier {
  if (raw.startsWith("cio_")) return { type: "cio_id", value: raw.slice(4) };
  if (isEmailShaped(raw)) return { type: "email", value: raw };
  return { type: "id", value: raw };
}

/** Attribute values as the App API shows them: every value is a string. */
export function renderAttributeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function valueBytes(value: unknown): number {
  return byteLength(typeof value === "string" ? value : JSON.stringify(value) ?? "");
}

export function validateIdentifier(identifier: Identifier, field: string): OperationError | undefined {
  const { type, value } = identifier;
  if (value.length === 0) return { reason: "required", field, message: `${type} cannot be blank` };
  if (byteLength(value) > LIMITS.identifierBytes) {
    return { reason: "invalid", field, message: `${type} cannot be longer than ${LIMITS.identifierBytes} bytes` };
  }
  if (type === "email" && !isEmailShaped(value)) return { reason: "invalid", field, message: "email is not a valid email address" };
  if (type === "cio_id" && !CIO_ID_SHAPE.test(value)) return { reason: "invalid", field, message: "invalid identifier" };
  return undefined;
}

/** The documented attribute limits; `prefix` names the field as the v2 API does (`attributes.plan`). */
export function validateAttributes(attributes: Record<string, unknown>, prefix: string): OperationError[] {
  const errors: OperationError[] = [];
  const names = Object.keys(attributes).filter((k) => !CONTROL_KEYS.has(k));
  if (names.length > LIMITS.attributesPerCall) {
    errors.push({ reason: "invalid", field: prefix.replace(/\.$/, ""), message: `cannot set more than ${LIMITS.attributesPerCall} attributes at once` });
  }
  for (const name of names) {
    const value = attributes[name];
    if (name.length === 0) errors.push({ reason: "invalid", field: prefix.replace(/\.$/, ""), message: "property name cannot be blank" });
    else if (byteLength(name) > LIMITS.attributeNameBytes) {
      errors.push({ reason: "invalid", field: `${prefix}${name}`, message: `property name cannot be longer than ${LIMITS.attributeNameBytes} bytes` });
    } else if (value !== null && valueBytes(value) > LIMITS.attributeValueBytes) {
      errors.push({ reason: "invalid", field: `${prefix}${name}`, message: `property value cannot be longer than ${LIMITS.attributeValueBytes} bytes` });
    }
  }
  return errors;
}

export type EventInput = {
  name: unknown;
  type?: unknown;
  id?: unknown;
  timestamp?: unknown;
  data?: unknown;
};

/** Checks an event body; `dataField` is `data` (v1) or `attributes` (v2). */
export function validateEvent(event: EventInput, dataField: string): OperationError[] {
  const errors: OperationError[] = [];
  const name = typeof event.name === "string" ? event.name.trim() : "";
  if (name.length === 0) errors.push({ reason: "required", field: "name", message: "name is required" });
  else if (byteLength(name) > LIMITS.eventNameBytes) {
    errors.push({ reason: "invalid", field: "name", message: `name cannot be longer than ${LIMITS.eventNameBytes} bytes` });
  }
  if (event.type !== undefined && !["event", "page", "screen"].includes(String(event.type))) {
    errors.push({ reason: "invalid", field: "type", message: "type must be one of event, page, screen" });
  }
  if (event.id !== undefined && (typeof event.id !== "string" || !ULID_SHAPE.test(event.id))) {
    errors.push({ reason: "invalid", field: "id", message: "id must be a valid ULID" });
  }
  if (event.timestamp !== undefined && !Number.isInteger(event.timestamp)) {
    errors.push({ reason: "invalid", field: "timestamp", message: "timestamp must be an integer (Unix seconds)" });
  }
  if (event.data !== undefined && (typeof event.data !== "object" || event.data === null || Array.isArray(event.data))) {
    errors.push({ reason: "invalid", field: dataField, message: `${dataField} must be an object` });
  } else if (event.data !== undefined && valueBytes(event.data) > LIMITS.eventDataBytes) {
    errors.push({ reason: "invalid", field: dataField, message: `event data cannot be larger than ${LIMITS.eventDataBytes} bytes` });
  }
  return errors;
}

export type IdentifyOutcome = "created" | "updated" | "skipped" | "failed" | "dropped";

export class WorkspaceStore {
  readonly people = new Map<string, StoredPerson>();
  readonly events: StoredEvent[] = [];
  readonly activities: Activity[] = [];
  private readonly byId = new Map<string, string>();
  private readonly byEmail = new Map<string, string>();
  private readonly seenEventIds = new Set<string>();
  duplicateEvents = 0;

  constructor(private readonly options: StoreOptions) {}

  reset(): void {
    this.people.clear();
    this.events.length = 0;
    this.activities.length = 0;
    this.byId.clear();
    this.byEmail.clear();
    this.seenEventIds.clear();
    this.duplicateEvents = 0;
  }

  find(identifier: Identifier): StoredPerson | undefined {
    const cioId =
      identifier.type === "cio_id"
        ? identifier.value.replace(/^cio_/, "")
        : identifier.type === "id"
          ? this.byId.get(identifier.value)
          : this.byEmail.get(identifier.value.toLowerCase());
    return cioId === undefined ? undefined : this.people.get(cioId);
  }

  /**
   * Identify (create or update a person) with the documented rules: path identifier first, then the
   * body's id/email; `_update` never creates; a conflict between them changes nothing and records a
   * failed_attribute_change, as the live API does behind a 200.
   */
  identify(target: Identifier, body: Record<string, unknown>, timestamp?: number): IdentifyOutcome {
    const updateOnly = body._update === true;
    const at = typeof body._timestamp === "number" ? body._timestamp : (timestamp ?? nowSeconds());
    const bodyId = typeof body.id === "string" || typeof body.id === "number" ? String(body.id) : undefined;
    const bodyEmail = typeof body.email === "string" && body.email.length > 0 ? body.email : undefined;
    const ownerOfId = bodyId === undefined ? undefined : this.find({ type: "id", value: bodyId });
    const ownerOfEmail = bodyEmail === undefined ? undefined : this.find({ type: "email", value: bodyEmail });

    let person = this.find(target);
    if (!person && target.type === "cio_id") {
      this.fail(target, "the cio_id does not exist; the request was dropped");
      return "dropped";
    }
    if (person) {
      if ((ownerOfId && ownerOfId !== person) || (ownerOfEmail && ownerOfEmail !== person)) {
        this.fail(target, "The identifier is already associated with a different profile.", person.cioId);
        return "failed";
      }
      if (target.type === "id" && bodyId !== undefined && bodyId !== person.id) {
        this.fail(target, "id can only be changed when the person is addressed by cio_id", person.cioId);
        return "failed";
      }
    } else {
      if (ownerOfId && ownerOfEmail && ownerOfId !== ownerOfEmail) {
        this.fail(target, "The identifier is already associated with a different profile.");
        return "failed";
      }
      person = ownerOfId ?? ownerOfEmail;
      if (!person && updateOnly) {
        this.fail(target, "no person matches the identifiers and _update is set");
        return "skipped";
      }
    }

    const created = !person;
    if (!person) {
      person = { cioId: randomBytes(8).toString("hex"), attributes: {}, setAt: {}, createdAt: at };
      this.people.set(person.cioId, person);
    }
    const changes: Record<string, { from?: string; to?: string }> = {};
    if (target.type === "id") this.setId(person, target.value, changes);
    if (target.type === "email") this.setEmail(person, target.value, changes);
    if (bodyId !== undefined) this.setId(person, bodyId, changes);
    if (bodyEmail !== undefined) this.setEmail(person, bodyEmail, changes);
    if (body.email === null) this.setEmail(person, undefined, changes);

    for (const [name, value] of Object.entries(body)) {
      if (CONTROL_KEYS.has(name) || name === "id" || name === "email") continue;
      if ((person.setAt[name] ?? 0) > at) continue;
      const before = person.attributes[name];
      if (value === null) delete person.attributes[name];
      else person.attributes[name] = value;
      person.setAt[name] = at;
      if (before !== value) {
        changes[name] = {
          ...(before === undefined ? {} : { from: renderAttributeValue(before) }),
          ...(value === null ? {} : { to: renderAttributeValue(value) }),
        };
      }
    }
    this.record({ type: created ? "profile_create" : "attribute_change", cioId: person.cioId, data: changes });
    return created ? "created" : "updated";
  }

  /** Stores an event unless its id was seen before; returns false for a duplicate or a dropped event. */
  trackEvent(target: Identifier, event: { name: string; type: StoredEvent["type"]; id?: string; timestamp?: number; data: Record<string, unknown> }): "stored" | "duplicate" | "dropped" {
    if (event.id !== undefined && this.seenEventIds.has(event.id.toUpperCase())) {
      this.duplicateEvents += 1;
      return "duplicate";
    }
    let person = this.find(target);
    if (!person) {
      if (target.type === "cio_id" || !this.options.eventsCreatePeople) {
        this.record({ type: "failed_event", identifier: target, name: event.name, reason: "no person matches the identifier" });
        return "dropped";
      }
      this.identify(target, {});
      person = this.find(target)!;
    }
    if (event.id !== undefined) this.seenEventIds.add(event.id.toUpperCase());
    const timestamp = event.timestamp ?? nowSeconds();
    this.events.push({ cioId: person.cioId, name: event.name, type: event.type, id: event.id, timestamp, data: event.data, receivedAt: Date.now() });
    this.record({ type: event.type, cioId: person.cioId, name: event.name, data: event.data, timestamp });
    return "stored";
  }

  /** Deleting someone unknown is still a success (observed). */
  delete(target: Identifier): void {
    const person = this.find(target);
    if (!person) return;
    this.people.delete(person.cioId);
    if (person.id !== undefined) this.byId.delete(person.id);
    if (person.email !== undefined) this.byEmail.delete(person.email.toLowerCase());
    this.record({ type: "profile_delete", cioId: person.cioId });
  }

  /** Changes a stored person's attributes without going through the API (tests simulate edits made in the UI). */
  alter(target: Identifier, attributes: Record<string, unknown>): StoredPerson | undefined {
    const person = this.find(target);
    if (!person) return undefined;
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null) delete person.attributes[name];
      else person.attributes[name] = value;
    }
    return person;
  }

  /** The App API's rendering of a person (`customer` of getPersonAttributes). */
  renderCustomer(person: StoredPerson) {
    const identifiers: Record<string, string> = { cio_id: person.cioId };
    if (person.id !== undefined) identifiers.id = person.id;
    if (person.email !== undefined) identifiers.email = person.email;
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(person.attributes)) attributes[name] = renderAttributeValue(value);
    Object.assign(attributes, identifiers);
    const unsubscribed = person.attributes.unsubscribed;
    return {
      id: person.id ?? null,
      identifiers,
      attributes,
      timestamps: { ...person.setAt, cio_id: person.createdAt },
      unsubscribed: unsubscribed === true || unsubscribed === 1 || (typeof unsubscribed === "string" && ["true", "1"].includes(unsubscribed.toLowerCase())),
      devices: [],
    };
  }

  private setId(person: StoredPerson, id: string, changes: Record<string, { from?: string; to?: string }>): void {
    if (person.id === id) return;
    if (person.id !== undefined) this.byId.delete(person.id);
    changes.id = { ...(person.id === undefined ? {} : { from: person.id }), to: id };
    person.id = id;
    this.byId.set(id, person.cioId);
  }

  private setEmail(person: StoredPerson, email: string | undefined, changes: Record<string, { from?: string; to?: string }>): void {
    if (person.email === email) return;
    if (person.email !== undefined) this.byEmail.delete(person.email.toLowerCase());
    changes.email = { ...(person.email === undefined ? {} : { from: person.email }), ...(email === undefined ? {} : { to: email }) };
    person.email = email;
    if (email !== undefined) this.byEmail.set(email.toLowerCase(), person.cioId);
  }

  private fail(identifier: Identifier, reason: string, cioId?: string): void {
    this.record({ type: "failed_attribute_change", identifier, cioId, reason });
  }

  private record(activity: Omit<Activity, "id" | "timestamp"> & { timestamp?: number }): void {
    this.activities.push({ id: randomBytes(8).toString("hex"), timestamp: nowSeconds(), ...activity });
  }
}

import type { DestinationObject } from "../types";

/**
 * Batch limits (reference §2.1, §3). "500kb" and "32kb" may be 1000- or 1024-byte KB (unconfirmed),
 * so the smaller reading is used.
 */
export const BATCH_BODY_LIMIT_BYTES = 500_000;
/** `{"batch":[` + `]}` around the items. */
export const BATCH_ENVELOPE_BYTES = Buffer.byteLength('{"batch":[]}');
export const ITEM_LIMIT_BYTES = 32_000;

/** Track API requests per second per workspace the connector paces itself to. */
export const TRACK_REQUESTS_PER_SECOND = 100;
/** App API: "10 requests per second for most endpoints" (reference §3, §5.1). */
export const APP_REQUESTS_PER_SECOND = 10;

const limits: DestinationObject["limits"] = {
  // No item cap is documented: batches fill up to the 500 KB body (about 2,500 small events), so a
  // paced request carries as much as the API allows.
  maxBatchRecords: 50_000,
  maxBatchBytes: BATCH_BODY_LIMIT_BYTES - BATCH_ENVELOPE_BYTES,
  maxRecordBytes: ITEM_LIMIT_BYTES,
  maxConcurrency: 8,
  // The product paces to 100 requests/s per workspace (the figure issue 10 and third-party summaries
  // give; the current Track spec says 1000/s, not strictly enforced), shared by every run of the process.
  maxRequestsPerSecond: TRACK_REQUESTS_PER_SECOND,
  maxReadConcurrency: 2,
  maxReadsPerSecond: APP_REQUESTS_PER_SECOND,
};

const personIdentifiers: DestinationObject["identifiers"] = [
  { id: "id", label: "ID", description: "Your own unique person ID (case-sensitive, up to 150 bytes). Customer.io recommends it." },
  {
    id: "email",
    label: "Email",
    description: "The person's email address (case-insensitive). Works only when email is enabled as an identifier in the workspace.",
  },
  { id: "cio_id", label: "Customer.io ID", description: "The cio_id Customer.io assigned to the person, with or without the cio_ prefix." },
];

export const personObject: DestinationObject = {
  id: "person",
  label: "Person",
  type: "profile",
  behaviors: [
    { id: "upsert", label: "Update or Create", description: "Creates people who do not exist yet and updates the others." },
    { id: "update", label: "Update Only", description: "Updates existing people; rows for people Customer.io does not know are skipped." },
  ],
  identifiers: personIdentifiers,
  standardFields: [
    { name: "email", label: "Email", type: "string", aliases: ["email", "emailaddress", "mail"], description: "Used to send email." },
    {
      name: "created_at",
      label: "Created at",
      type: "date",
      aliases: ["createdat", "created", "createdon", "signupdate", "signedupat", "signupat", "registeredat"],
      description: "When the person signed up; sent as Unix seconds.",
    },
    { name: "first_name", label: "First name", type: "string", aliases: ["firstname", "fname", "givenname"] },
    { name: "last_name", label: "Last name", type: "string", aliases: ["lastname", "lname", "surname", "familyname"] },
    {
      name: "unsubscribed",
      label: "Unsubscribed",
      type: "boolean",
      aliases: ["unsubscribed", "isunsubscribed", "optedout", "optout", "emailoptout"],
      description: "True stops messages to this person.",
    },
    { name: "phone", label: "Phone", type: "string", aliases: ["phone", "phonenumber", "mobile", "mobilenumber", "cellphone"] },
    {
      name: "anonymous_id",
      label: "Anonymous ID",
      type: "string",
      aliases: ["anonymousid", "anonid"],
      description: "Links the person to anonymous events sent with the same ID.",
    },
  ],
  supportsEventId: false,
  // The v1 schema lists only scalar attribute values (reference §1.2, unconfirmed for objects); Customer.io's
  // Liquid reads nested attributes ({{customer.address.city}}), which is how objects are used in practice.
  objectValues: { accepted: true, note: "Objects and arrays are sent as nested attributes (each value at most 1,000 bytes once encoded)." },
  limits,
};

export const eventObject: DestinationObject = {
  id: "event",
  label: "Event",
  type: "event",
  behaviors: [
    {
      id: "append",
      label: "Append Only",
      description: "Sends each new row once as an event. Every row needs a globally unique event ID, which Customer.io uses to drop duplicates.",
    },
  ],
  identifiers: personIdentifiers,
  standardFields: [],
  supportsEventId: true,
  // Event `data` is a free-form object (reference §2.2).
  objectValues: { accepted: true, note: "Objects and arrays are sent as nested event data." },
  limits,
};

export const CUSTOMERIO_OBJECTS: DestinationObject[] = [personObject, eventObject];

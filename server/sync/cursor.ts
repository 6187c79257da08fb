/**
 * The run's keyset position, stored in SyncRun.cursor. Pages are read inclusively (key >= value), so the
 * cursor also says how many rows with that key were already processed: those are skipped on the next
 * page, and any further row with the same key is a duplicate.
 */
export type PageCursor = { value: unknown; seen: number };

type Encoded = { v: unknown; seen: number };

// Key values must come back exactly as the source returned them, so non-JSON types are tagged.
export function encodeValue(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof value === "bigint") return { $bigint: value.toString() };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  return value;
}

export function decodeValue(value: unknown): unknown {
  if (value && typeof value === "object") {
    const tagged = value as { $date?: string; $bigint?: string; $bytes?: string };
    if (typeof tagged.$date === "string") return new Date(tagged.$date);
    if (typeof tagged.$bigint === "string") return BigInt(tagged.$bigint);
    if (typeof tagged.$bytes === "string") return Buffer.from(tagged.$bytes, "base64");
  }
  return value;
}

export function encodeCursor(cursor: PageCursor): string {
  return JSON.stringify({ v: encodeValue(cursor.value), seen: cursor.seen } satisfies Encoded);
}

export function decodeCursor(text: string | null): PageCursor | null {
  if (!text) return null;
  const parsed = JSON.parse(text) as Encoded;
  return { value: decodeValue(parsed.v), seen: parsed.seen };
}

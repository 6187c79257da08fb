import { z } from "zod";

export const ZIdParams = z.object({ id: z.string().min(1).meta({ description: "The resource's id." }) });

// A plain string with a format: responses are produced here, and the ISO pattern would bloat the document.
export const ZTimestamp = z.string().meta({ format: "date-time", description: "ISO 8601 instant (UTC)." });

export const ZDeleted = z.object({ ok: z.literal(true) }).meta({ id: "Deleted" });

export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional().meta({ description: "Items per page." }),
  cursor: z.string().min(1).optional().meta({ description: "`nextCursor` of the previous page." }),
});

export function toIso(date: Date): string;
export function toIso(date: Date | null): string | null;
export function toIso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

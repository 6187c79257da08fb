import { z } from "zod";

export const ZIdParams = z.object({ id: z.string().min(1).meta({ description: "The resource's id." }) });

export const ZTimestamp = z.iso.datetime().meta({ description: "ISO 8601 instant (UTC)." });

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

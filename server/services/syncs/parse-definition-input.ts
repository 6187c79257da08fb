import type { z } from "zod";
import { AppError } from "~/server/lib/errors";

/** Parses a sync definition body; each bad field becomes a field error named by its public path. */
export function parseDefinitionInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) fieldErrors[issue.path.join(".") || "definition"] ??= issue.message;
  throw new AppError("BAD_REQUEST", `The sync definition is not valid: ${Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`).join("; ")}`, { fieldErrors });
}

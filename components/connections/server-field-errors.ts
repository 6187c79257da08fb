/** Field errors the tRPC error formatter attaches to AppErrors (`data.fieldErrors`), keyed by field name. */
export function readServerFieldErrors(error: unknown): Record<string, string> {
  if (typeof error !== "object" || error === null || !("data" in error)) return {};
  const data = (error as { data?: { fieldErrors?: Record<string, string> | null } | null }).data;
  return data?.fieldErrors ?? {};
}

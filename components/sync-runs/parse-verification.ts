/**
 * Reads a run's `verification` JSON (`ZVerification` in server/sync/verify-run.ts) into what the panel shows.
 * The reader is lenient about optional parts so older runs still display; links other than http(s)
 * are dropped because they end up in an href.
 */
export type VerificationDifference = { key: string; field: string | null; expected: string | null; actual: string | null; message: string | null };

export type VerificationView = {
  /** False when nothing was read back (no read credentials, no read API, nothing delivered): `message` says why. */
  readBackAvailable: boolean;
  checked: number | null;
  verified: number | null;
  links: { label: string; url: string }[];
  differences: VerificationDifference[];
  message: string | null;
};

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function asNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:";
  } catch {
    return false;
  }
}

export function parseVerification(value: unknown): VerificationView | null {
  const v = asRecord(value);
  if (!v) return null;
  const checked = asNumber(v.checked ?? v.sampled ?? v.total);
  const verified = asNumber(v.verified ?? v.matched);
  const links = (Array.isArray(v.links) ? v.links : Array.isArray(v.dashboardLinks) ? v.dashboardLinks : []).flatMap((l) => {
    const link = asRecord(l);
    const url = typeof link?.url === "string" ? link.url : null;
    return link && url && isWebUrl(url) ? [{ label: asText(link.label) ?? url, url }] : [];
  });
  const differences = (Array.isArray(v.differences) ? v.differences : Array.isArray(v.mismatches) ? v.mismatches : []).flatMap((d) => {
    const diff = asRecord(d);
    if (!diff) return typeof d === "string" ? [{ key: "", field: null, expected: null, actual: null, message: d }] : [];
    return [{ key: asText(diff.key) ?? "", field: asText(diff.field), expected: asText(diff.expected), actual: asText(diff.actual), message: asText(diff.message ?? diff.reason) }];
  });
  // The engine stores checked = 0 with the reason in `message` when nothing could be read back.
  const readBackAvailable = (checked ?? 0) > 0 || differences.length > 0;
  return { readBackAvailable, checked, verified, links, differences, message: asText(v.message ?? v.reason) };
}

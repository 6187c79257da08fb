/**
 * A mapping's optional transforms, applied to a column's value before it is converted to the mapping's
 * type and checked against the destination: trim, lower-case, and phone numbers to E.164. A value a
 * transform cannot handle fails with a reason that names the value and its column, like a conversion.
 */
import { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js/max";
import { describeValue } from "./convert";

export type ValueTransform = { type: "trim" } | { type: "lowercase" } | { type: "phone_e164"; defaultCountry?: string };

export type Transformed = { ok: true; value: unknown } | { ok: false; reason: string };

const LENGTH_PROBLEMS: Record<string, string> = {
  TOO_SHORT: "too short",
  TOO_LONG: "too long",
  INVALID_LENGTH: "the wrong length",
  INVALID_COUNTRY: "from an unknown country code",
  NOT_A_NUMBER: "not a number",
};

/** Whether a two-letter code is a country libphonenumber knows (GB, US, DE …). */
export function isPhoneCountry(code: string): boolean {
  return isSupportedCountry(code);
}

/**
 * +44 20 7946 0007 and, with default country GB, 020 7946 0007 both become +442079460007. A number without a country code and no default country is refused rather than guessed.
 * Validity uses the full metadata (number ranges per country), not only the length.
 */
function toE164(value: unknown, defaultCountry: string | undefined, origin: string): Transformed {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
    return { ok: false, reason: `value ${describeValue(value)} in ${origin} is not a phone number` };
  }
  const text = String(value).trim();
  if (text === "") return { ok: true, value: null };
  const country = defaultCountry && isSupportedCountry(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  const phone = parsePhoneNumberFromString(text, country ? { defaultCountry: country } : undefined);
  if (phone?.isValid()) return { ok: true, value: phone.number };
  const fail = (why: string) => ({ ok: false as const, reason: `value ${describeValue(value)} in ${origin} ${why}` });
  const international = text.startsWith("+");
  if (!/\d/.test(text)) return fail("is not a phone number");
  if (!phone && !international && !country) return fail("has no country code; add one (+44 …) or set a default country on the E.164 transform");
  if (!phone) return fail(`is not a phone number${country ? ` for ${country}` : ""}`);
  const length = validatePhoneNumberLength(text, country ? { defaultCountry: country } : undefined);
  const where = phone.country ?? (international ? `+${phone.countryCallingCode}` : country);
  return fail(`is not a valid phone number${where ? ` for ${where}` : ""}${length ? ` (${LENGTH_PROBLEMS[length] ?? length})` : ""}`);
}

/** Applies the transforms in order. Null stays null; trim and lower-case leave non-text values alone. */
export function applyTransforms(value: unknown, transforms: readonly ValueTransform[], origin: string): Transformed {
  let current = value;
  for (const transform of transforms) {
    if (current === null || current === undefined) return { ok: true, value: null };
    switch (transform.type) {
      case "trim":
        if (typeof current === "string") current = current.trim();
        break;
      case "lowercase":
        if (typeof current === "string") current = current.toLowerCase();
        break;
      case "phone_e164": {
        const phone = toE164(current, transform.defaultCountry, origin);
        if (!phone.ok) return phone;
        current = phone.value;
        break;
      }
    }
  }
  return { ok: true, value: current };
}

import { getCountries, getCountryCallingCode } from "libphonenumber-js/min";

export type PhoneCountryOption = { code: string; label: string };

let cached: PhoneCountryOption[] | undefined;

/** Countries the E.164 transform can default to, by name in the browser's language: "United Kingdom (GB, +44)". */
export function listPhoneCountries(locale?: string): PhoneCountryOption[] {
  if (cached) return cached;
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames(locale ? [locale] : undefined, { type: "region" });
  } catch {
    names = undefined;
  }
  cached = getCountries()
    .map((code) => ({ code, label: `${names?.of(code) ?? code} (${code}, +${getCountryCallingCode(code)})` }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return cached;
}

// Phone numbers to E.164, the matching key between a Rinkel call and a Weborder.
//
// The same algorithm lives in Apex (force-app/call-tasks/classes/PhoneNormalizer.cls); both run
// the shared vectors in force-app/call-tasks/staticresources/RinkelPhoneVectors.json. Keep the
// rules small and table-driven so the two implementations stay easy to compare line by line.
// libphonenumber-js is deliberately NOT used here: Apex has no equivalent, and the point is that
// both sides compute the same key. The tests check the vectors against libphonenumber-js instead.
// The country table itself is rules/phone.json, generated into ./rules.generated.ts and RinkelRules.cls.

import {
  PHONE_COUNTRIES,
  PHONE_GENERIC_MAX_DIGITS,
  PHONE_GENERIC_MIN_DIGITS
} from './rules.generated';

interface CountryRule {
  /** Country calling code. */
  readonly callingCode: string;
  /** National numbers start with this trunk prefix ('' = none). */
  readonly trunkPrefix: string;
  /** Full-match pattern of a plausible national significant number (after the calling code). */
  readonly nationalPattern: RegExp;
}

/** Countries whose national format we understand, keyed by ISO 3166-1 alpha-2. */
export const COUNTRY_RULES: Readonly<Record<string, CountryRule>> = Object.fromEntries(
  Object.entries(PHONE_COUNTRIES).map(([country, rule]) => [
    country,
    {
      callingCode: rule.callingCode,
      trunkPrefix: rule.trunkPrefix,
      nationalPattern: new RegExp(`^${rule.nationalPattern}$`)
    }
  ])
);

/** Total digits (calling code + national number) allowed for countries not in COUNTRY_RULES. */
export const GENERIC_MIN_DIGITS = PHONE_GENERIC_MIN_DIGITS;
export const GENERIC_MAX_DIGITS = PHONE_GENERIC_MAX_DIGITS;

// Character sets spelled out (not \s) so Apex/Java regexes match exactly the same characters.
/** Spaces people (and spreadsheets) put inside numbers, including no-break and thin spaces. */
const WHITESPACE = /[ \t\n\r\f\v\u00a0\u2007\u202f]/g;
/** Punctuation people put inside numbers. */
const PUNCTUATION = /[-.()/]/g;
/** "(0)" between the country code and the number, as in +31 (0)20 123 4567. */
const INTERNATIONAL_TRUNK = /\(0\)/g;

function ruleForDigits(digits: string): CountryRule | undefined {
  // Calling codes are prefix-free, so at most one known rule can match.
  return Object.values(COUNTRY_RULES).find((rule) => digits.startsWith(rule.callingCode));
}

/** Whether a digit string (calling code + national number, no '+') is a plausible number. */
export function isPlausibleE164Digits(digits: string): boolean {
  if (!/^[1-9][0-9]*$/.test(digits)) {
    return false;
  }
  const rule = ruleForDigits(digits);
  if (!rule) {
    return digits.length >= GENERIC_MIN_DIGITS && digits.length <= GENERIC_MAX_DIGITS;
  }
  return rule.nationalPattern.test(digits.substring(rule.callingCode.length));
}

/** "+31 06 12345678": people keep the trunk 0 after the country code; drop it when that helps. */
function withoutTrunkAfterCallingCode(digits: string): string {
  const rule = ruleForDigits(digits);
  if (!rule || rule.trunkPrefix === '' || isPlausibleE164Digits(digits)) {
    return digits;
  }
  const national = digits.substring(rule.callingCode.length);
  return national.startsWith(rule.trunkPrefix)
    ? rule.callingCode + national.substring(rule.trunkPrefix.length)
    : digits;
}

/**
 * Normalises a phone number as people write it to E.164 (`+31612345678`), or null when it
 * is blank, anonymous, not a phone number, or implausible for its country. Null never matches.
 *
 * @param input the number as typed (national, `+`/`00` international, with separators)
 * @param defaultCountry ISO country for numbers without an international prefix (default NL)
 */
export function normalizePhone(
  input: string | null | undefined,
  defaultCountry: string = 'NL'
): string | null {
  if (input === null || input === undefined) {
    return null;
  }
  let value = input.replace(WHITESPACE, '');
  if (value.startsWith('+') || value.startsWith('00')) {
    value = value.replace(INTERNATIONAL_TRUNK, '');
  }
  value = value.replace(PUNCTUATION, '');
  if (!/^\+?[0-9]+$/.test(value)) {
    // Blank, "anonymous", letters, "tel:" and any other character: not a number we match on.
    return null;
  }
  let digits: string | null;
  if (value.startsWith('+')) {
    digits = withoutTrunkAfterCallingCode(value.substring(1));
  } else if (value.startsWith('00')) {
    digits = withoutTrunkAfterCallingCode(value.substring(2));
  } else {
    digits = nationalToDigits(value, (defaultCountry || 'NL').toUpperCase());
  }
  return digits !== null && isPlausibleE164Digits(digits) ? `+${digits}` : null;
}

function nationalToDigits(value: string, country: string): string | null {
  const rule = COUNTRY_RULES[country];
  if (!rule) {
    return null;
  }
  if (rule.trunkPrefix !== '' && value.startsWith(rule.trunkPrefix)) {
    return rule.callingCode + value.substring(rule.trunkPrefix.length);
  }
  if (value.startsWith('0')) {
    return null;
  }
  const withCode = rule.callingCode + value;
  if (isPlausibleE164Digits(withCode)) {
    return withCode;
  }
  // Someone typed the country code without '+' or '00' (31612345678).
  return value.startsWith(rule.callingCode) ? value : null;
}

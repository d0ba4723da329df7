import fs from 'node:fs';
import { staticResource } from '../../core/paths';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { COUNTRY_RULES, normalizePhone } from '../phone';

interface PhoneVector {
  input: string | null;
  defaultCountry: string;
  expected: string | null;
  note?: string;
  libphonenumberDiffers?: string;
}

const VECTORS_FILE = staticResource('RinkelPhoneVectors');
const vectors = (JSON.parse(fs.readFileSync(VECTORS_FILE, 'utf8')) as { vectors: PhoneVector[] })
  .vectors;

function label(vector: PhoneVector): string {
  return `${JSON.stringify(vector.input)} (${vector.defaultCountry})`;
}

/** What libphonenumber-js (full metadata) makes of the input: a valid E.164 number or null. */
function libphonenumber(vector: PhoneVector): string | null {
  if (vector.input === null) {
    return null;
  }
  const country = vector.defaultCountry in COUNTRY_RULES ? vector.defaultCountry : undefined;
  const parsed = parsePhoneNumberFromString(vector.input, country as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : null;
}

describe('RinkelPhoneVectors', () => {
  it('has at least 40 cases covering NL, BE, DE, international and garbage', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(40);
    const expectedPrefixes = vectors.map((v) => v.expected?.substring(0, 3) ?? 'null');
    for (const prefix of ['+31', '+32', '+49', '+1', '+44', 'null']) {
      expect(expectedPrefixes.filter((p) => p.startsWith(prefix)).length).toBeGreaterThanOrEqual(
        prefix === '+1' || prefix === '+44' ? 1 : 5
      );
    }
  });

  it.each(vectors.map((v) => [label(v), v] as const))('normalizes %s', (_name, vector) => {
    expect(normalizePhone(vector.input, vector.defaultCountry)).toBe(vector.expected);
  });

  it.each(vectors.filter((v) => !v.libphonenumberDiffers).map((v) => [label(v), v] as const))(
    'agrees with libphonenumber-js on %s',
    (_name, vector) => {
      expect(libphonenumber(vector)).toBe(vector.expected);
    }
  );

  it.each(vectors.filter((v) => v.libphonenumberDiffers).map((v) => [label(v), v] as const))(
    'differs from libphonenumber-js on purpose on %s',
    (_name, vector) => {
      // A documented difference must still be a real one, or the note is stale.
      expect(libphonenumber(vector)).not.toBe(vector.expected);
    }
  );
});

describe('normalizePhone', () => {
  it('defaults to the Netherlands', () => {
    expect(normalizePhone('06 12345678')).toBe('+31612345678');
  });

  it('accepts a lower-case default country', () => {
    expect(normalizePhone('0476 12 34 56', 'be')).toBe('+32476123456');
  });

  it('treats undefined like a missing number', () => {
    expect(normalizePhone(undefined)).toBeNull();
  });
});

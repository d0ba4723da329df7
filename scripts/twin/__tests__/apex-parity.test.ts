// The Apex mapping cannot run here, so besides the shared vectors this test compares the tables
// both implementations are built from, straight from the Apex source.
import fs from 'node:fs';
import { sourceFile } from '../../core/paths';
import {
  CAUSES,
  COUNTRY_RULES,
  GENERIC_MAX_DIGITS,
  GENERIC_MIN_DIGITS,
  MISSED_REASON_LABELS,
  SENTIMENT_LABELS,
  STATUS_LABELS
} from '../index';

const apex = (name: string): string =>
  fs.readFileSync(sourceFile('classes', `${name}.cls`), 'utf8');
/** An Apex string literal's content as the regex/text it denotes. */
const unescape = (literal: string): string => literal.replace(/\\\\/g, '\\').replace(/\\'/g, "'");

describe('Apex and TypeScript mapping tables', () => {
  it('have the same phone country rules', () => {
    const source = apex('PhoneNormalizer');
    const rules = [
      ...source.matchAll(
        /'([A-Z]{2})' => new CountryRule\('(\d+)', '(\d*)', '((?:[^'\\]|\\.)*)'\)/g
      )
    ].map(([, country, callingCode, trunkPrefix, regex]) => ({
      country,
      callingCode,
      trunkPrefix,
      pattern: `^${unescape(regex ?? '')}$`
    }));
    expect(rules.map((r) => r.country).sort()).toEqual(Object.keys(COUNTRY_RULES).sort());
    for (const rule of rules) {
      const ts = COUNTRY_RULES[rule.country ?? ''];
      expect(rule).toEqual({
        country: rule.country,
        callingCode: ts?.callingCode,
        trunkPrefix: ts?.trunkPrefix,
        pattern: ts?.nationalPattern.source
      });
    }
    expect(source).toContain(`GENERIC_MIN_DIGITS = ${GENERIC_MIN_DIGITS};`);
    expect(source).toContain(`GENERIC_MAX_DIGITS = ${GENERIC_MAX_DIGITS};`);
  });

  it('have the same status, missed reason and sentiment labels', () => {
    const source = apex('CallTaskMapper') + apex('CallDescription');
    const pairs = Object.fromEntries(
      [...source.matchAll(/'([A-Z_]+)' => '(Rinkel_[A-Za-z_]+)'/g)].map(([, key, label]) => [
        key,
        label
      ])
    );
    expect(pairs).toEqual({ ...STATUS_LABELS, ...MISSED_REASON_LABELS, ...SENTIMENT_LABELS });
  });

  it('map callEnd causes the same way', () => {
    const causes = Object.fromEntries(
      [
        ...apex('CallTaskMapper').matchAll(
          /'([A-Z_]+)' => new List<String>\{ '([A-Z_]+)', (null|'[A-Z_]+') \}/g
        )
      ].map(([, cause, status, reason]) => [
        cause,
        { status, missedReason: reason === 'null' ? null : reason?.replace(/'/g, '') }
      ])
    );
    expect(causes).toEqual(CAUSES);
  });
});

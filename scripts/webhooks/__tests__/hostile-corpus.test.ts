import fs from 'node:fs';
import { FIELD_LENGTHS, loadLabels, mapInsights } from '../../twin';
import { normalizePhone } from '../../twin/phone';
import {
  CORPUS_SECRET,
  STATIC_RESOURCE_FILE,
  loadCorpus,
  staticResourceContent,
  toRequest,
  type HostileCase
} from '../corpus';
import { answer, javaTrim, javaUrlDecode, sha256Hex } from '../validate';

const cases = loadCorpus();
const labels = loadLabels();
const config = { secretHash: sha256Hex(CORPUS_SECRET) };

/** The categories the issue names; each needs cases. */
const CATEGORIES = [
  'auth',
  'method',
  'event',
  'size',
  'truncated-json',
  'wrong-types',
  'call-id',
  'huge-strings',
  'deep-nesting',
  'unicode-numbers',
  'injection',
  'form',
  'encoding',
  'content-type',
  'headers'
];

describe('hostile-input corpus', () => {
  it('has at least 60 cases covering every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    for (const category of CATEGORIES) {
      expect(cases.filter((c) => c.category === category).length).toBeGreaterThan(0);
    }
    expect(new Set(cases.map((c) => c.category))).toEqual(new Set(CATEGORIES));
  });

  it('rejects more than it accepts, and every status class appears', () => {
    const statuses = new Set(cases.map((c) => c.expected.status));
    expect([...statuses].sort()).toEqual([200, 400, 401, 404, 405, 413]);
    for (const c of cases) {
      // Only a 200 may store anything.
      expect(c.expected.stored).toBe(c.expected.status === 200);
    }
  });

  it('static resource RinkelHostileCorpus is built from the current files', () => {
    const shipped = JSON.parse(fs.readFileSync(STATIC_RESOURCE_FILE, 'utf8')) as unknown;
    // Compared as data; if this fails run `npm run build:hostile-corpus`.
    expect(shipped).toEqual(staticResourceContent(cases));
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase: HostileCase) => {
    const result = answer(toRequest(testCase), config);
    expect(result.status).toBe(testCase.expected.status);
    if (!testCase.expected.stored) {
      expect(result.event).toBeUndefined();
      // Fixed bodies only: nothing from the request is echoed.
      expect(result.body).toMatch(/^\{"(ok|error)":/);
      return;
    }
    const event = result.event;
    expect(event).toBeDefined();
    if (!event) return;
    expect(event.callId).toBe(testCase.expected.callId);
    expect(event.payload.id).toBe(event.callId);
    expect(event.payload).not.toHaveProperty('token');
    expect(event.payloadJson).not.toContain(CORPUS_SECRET);
    if (testCase.expected.eventName) {
      expect(event.eventName).toBe(testCase.expected.eventName);
    }
    for (const text of testCase.expected.payloadExcludes ?? []) {
      expect(event.payloadJson).not.toContain(text);
    }
    for (const text of testCase.expected.payloadIncludes ?? []) {
      expect(event.payloadJson).toContain(text);
    }
    if (event.eventName === 'callInsights') {
      // What processing makes of it: the shared mapping keeps every field within its length.
      const fields = mapInsights(event.payload, { labels, language: 'nl_NL' });
      expect(fields.Rinkel_Call_Id__c).toBe(event.callId);
      expect((fields.Rinkel_AI_Summary__c ?? '').length).toBeLessThanOrEqual(
        FIELD_LENGTHS.Rinkel_AI_Summary__c
      );
      expect((fields.Rinkel_Topics__c ?? '').length).toBeLessThanOrEqual(
        FIELD_LENGTHS.Rinkel_Topics__c
      );
      expect(fields.Description.length).toBeLessThanOrEqual(FIELD_LENGTHS.Description);
    }
    for (const [field, e164] of Object.entries(testCase.expected.phones ?? {})) {
      const raw = event.payload[field];
      expect(normalizePhone(typeof raw === 'string' ? raw : null, 'NL')).toBe(e164);
    }
  });
});

describe('Apex string semantics the validator relies on', () => {
  it('trims like Java: control characters yes, no-break space and BOM no', () => {
    expect(javaTrim('\u0001 abc\t\n')).toBe('abc');
    expect(javaTrim('\u00a0abc\ufeff')).toBe('\u00a0abc\ufeff');
  });

  it('URL-decodes like java.net.URLDecoder', () => {
    expect(javaUrlDecode('a+b%20c%C3%A9')).toBe('a b cé');
    expect(javaUrlDecode('%ff')).toBe('\ufffd');
    expect(() => javaUrlDecode('100%')).toThrow();
    expect(() => javaUrlDecode('%zz')).toThrow();
  });

  it('answers 401 to every request when no secret is configured', () => {
    const valid = cases.find((c) => c.expected.status === 200);
    expect(valid).toBeDefined();
    if (!valid) return;
    expect(answer(toRequest(valid), { secretHash: '' }).status).toBe(401);
    expect(answer(toRequest(valid), { secretHash: 'abc' }).status).toBe(401);
  });

  it('honours a smaller configured body limit', () => {
    const valid = cases.find((c) => c.name === 'event-trailing-slash');
    expect(valid).toBeDefined();
    if (!valid) return;
    expect(answer(toRequest(valid), { ...config, maxBodyBytes: 10 }).status).toBe(413);
  });
});

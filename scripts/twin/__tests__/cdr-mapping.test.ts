import fs from 'node:fs';
import path from 'node:path';
import {
  loadLabels,
  mapCdr,
  mapInsights,
  statusForCause,
  statusText,
  type LabelLanguage
} from '../index';
import { REPO_ROOT } from '../../core/paths';
import { existingFor, readMappingVectors } from './vectors';

const labels = loadLabels();
const vectors = readMappingVectors();
const FIXTURES = path.join(REPO_ROOT, 'scripts', 'testing', 'fixtures', 'rinkel');

const perLanguage = <T extends { name: string }>(items: T[]): [string, LabelLanguage, T][] =>
  items.flatMap((item) =>
    vectors.languages.map((language): [string, LabelLanguage, T] => [item.name, language, item])
  );

describe('RinkelMappingVectors: callEnd cause → status text', () => {
  it.each(vectors.causes.map((v) => [JSON.stringify(v.cause), v] as const))(
    '%s',
    (_name, vector) => {
      const status = statusForCause(vector.cause);
      expect(status).toEqual({
        status: vector.expected.status,
        missedReason: vector.expected.missedReason
      });
      for (const language of vectors.languages) {
        expect(statusText(status.status, status.missedReason, labels, language)).toBe(
          vector.expected[language]
        );
      }
    }
  );
});

describe('RinkelMappingVectors: CDR → Task', () => {
  it.each(perLanguage(vectors.cdrs))('%s (%s)', (_name, language, vector) => {
    const mapping = mapCdr(vector.cdr, {
      labels,
      language,
      timeZone: vectors.timeZone,
      defaultCountry: vector.defaultCountry ?? 'NL',
      existing: existingFor(vector.existing, language)
    });
    const { Subject, CallDisposition, Description, ...fields } = mapping.fields;
    expect(fields).toEqual(vector.expected.fields);
    expect({ Subject, CallDisposition, Description }).toEqual(vector.expected[language]);
    expect(mapping.anonymous).toBe(vector.expected.anonymous);
  });

  it('never copies a temporary stream URL onto the Task', () => {
    for (const vector of vectors.cdrs) {
      for (const language of vectors.languages) {
        const { fields } = mapCdr(vector.cdr, { labels, language });
        expect(JSON.stringify(fields)).not.toMatch(/https?:|\/stream|token=/);
      }
    }
  });
});

describe('RinkelMappingVectors: callInsights merge', () => {
  it.each(perLanguage(vectors.insights))('%s (%s)', (_name, language, vector) => {
    const { Subject, Description, ...fields } = mapInsights(vector.payload, {
      labels,
      language,
      existing: existingFor(vector.existing, language)
    });
    expect(fields).toEqual(vector.expected.fields);
    const expected = vector.expected[language];
    expect(Description).toBe(expected.Description);
    expect(Subject).toBe(expected.Subject);
  });
});

describe('the vectors cover what the issue asks for', () => {
  const statuses = new Set(vectors.cdrs.map((v) => v.expected.fields.Rinkel_Status__c));
  it.each(['ANSWERED', 'MISSED', 'VOICEMAIL', 'ANSWERING_SERVICE', 'TRANSFERRED'])(
    'status %s',
    (status) => expect(statuses).toContain(status)
  );
  it('outbound, anonymous, no user, with and without insights', () => {
    const fields = vectors.cdrs.map((v) => v.expected.fields);
    expect(fields.some((f) => f.CallType === 'Outbound')).toBe(true);
    expect(vectors.cdrs.some((v) => v.expected.anonymous)).toBe(true);
    expect(fields.some((f) => f.Rinkel_User_Id__c === null)).toBe(true);
    expect(fields.some((f) => f.Rinkel_AI_Summary__c !== null)).toBe(true);
    expect(fields.some((f) => f.Rinkel_AI_Summary__c === null)).toBe(true);
  });
  it('is built on the shared Rinkel fixtures', () => {
    const documented = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'call-detail-record.documented.json'), 'utf8')
    ) as { data: unknown };
    expect(vectors.cdrs[0]?.cdr).toEqual(documented.data);
  });
});

describe('the layout of issue 3, written out by hand', () => {
  const cdr = {
    callId: 'c1',
    date: '2026-02-03T09:15:00.000Z',
    direction: 'inbound',
    externalNumber: { anonymous: false, localized: '06 12345678', e164: '+31612345678' },
    duration: 272,
    status: 'ANSWERED',
    missedReason: null,
    user: { id: 'u1', fullName: 'Jan de Vries' },
    callRecording: { id: 'r1', availableUntil: '2026-05-01' },
    insights: {
      summary: 'Vraag over levering.',
      sentiment: 'POSITIVE',
      topics: ['levering', 'product']
    }
  };

  it('is reproduced exactly in Dutch', () => {
    const { fields } = mapCdr(cdr, { labels, language: 'nl_NL' });
    expect(fields.Subject).toBe('Gesprek Inkomend – Beantwoord');
    expect(fields.Description).toBe(
      [
        'Richting  : Inkomend',
        'Status    : Beantwoord',
        'Duur      : 4:32 min',
        'Nummer    : 06 12345678',
        'Medewerker: Jan de Vries',
        '',
        'Opname (beschikbaar tot 2026-05-01)',
        '',
        '--- AI Inzichten ---',
        'Samenvatting:',
        'Vraag over levering.',
        'Sentiment: Positief',
        'Onderwerpen: levering, product'
      ].join('\n')
    );
  });

  it('is translated for English users', () => {
    const { fields } = mapCdr(cdr, { labels, language: 'en_US' });
    expect(fields.Subject).toBe('Inbound call – Answered');
    expect(fields.Description.split('\n').slice(0, 5)).toEqual([
      'Direction: Inbound',
      'Status   : Answered',
      'Duration : 4:32 min',
      'Number   : 06 12345678',
      'Agent    : Jan de Vries'
    ]);
  });
});

describe('mapCdr and mapInsights reject what cannot become a Task', () => {
  it('needs a call id', () => {
    expect(() => mapCdr({ direction: 'inbound' }, { labels, language: 'nl_NL' })).toThrow(/callId/);
    expect(() => mapInsights({ summary: 'x' }, { labels, language: 'nl_NL' })).toThrow(/id/);
  });
  it("never takes the CDR's own id for the call id", () => {
    expect(() =>
      mapCdr(
        { id: '64a6ac4a505f1d324f6cc220', direction: 'inbound' },
        { labels, language: 'nl_NL' }
      )
    ).toThrow(/callId/);
  });
  it('needs an object', () => {
    expect(() => mapCdr('nope', { labels, language: 'nl_NL' })).toThrow(/object/);
  });
});

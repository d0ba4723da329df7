// Sample calls for the preview, the browser test and the benchmark, built from the in-repo copies
// of the Rinkel fixtures (scripts/testing/fixtures/rinkel: the documented CDR plus the third-party
// insights shape), from the same values inline if they cannot be read.
import fs from 'node:fs';
import path from 'node:path';
import type { CallEntry } from '../../../force-app/timeline/lwc/callTimeline/callView';
import { REPO_ROOT } from '../../core/paths';

export const RECORD_ID = 'a015g00000WO1234AA';
export const OTHER_RECORD_ID = 'a015g00000WO1187AA';

interface FixtureValues {
  callId: string;
  number: string;
  numberDisplay: string;
  agent: string;
  summary: string;
  sentiment: string;
  topics: string[];
  note: string;
}

const INLINE: FixtureValues = {
  callId: 'eff7c60d5790f0b5d54f7d9ee15d0a9f',
  number: '+31612345678',
  numberDisplay: '06 12345678',
  agent: 'John Doe',
  summary:
    'The caller asked when order 1234 will be delivered. The agent confirmed delivery next Tuesday and the caller was satisfied.',
  sentiment: 'POSITIVE',
  topics: ['delivery', 'order status'],
  note: 'Customer asked about delivery of order 1234.'
};

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

export function fixtureValues(root: string = REPO_ROOT): FixtureValues {
  const dir = path.join(root, 'scripts', 'testing', 'fixtures', 'rinkel');
  try {
    const cdr = (
      readJson(path.join(dir, 'call-detail-record.with-insights.json')) as {
        data: Record<string, unknown>;
      }
    ).data;
    const insights = readJson(path.join(dir, 'callInsights.json')) as Record<string, unknown>;
    const external = cdr.externalNumber as { e164: string; localized: string };
    const notes = cdr.notes as { content: string }[];
    return {
      callId: String(cdr.callId),
      number: external.e164,
      numberDisplay: external.localized,
      agent: (cdr.user as { fullName: string }).fullName,
      summary: String(insights.summary),
      sentiment: String(insights.sentiment),
      topics: insights.topics as string[],
      note: notes[0]?.content ?? INLINE.note
    };
  } catch {
    return INLINE;
  }
}

/** The agents' time zone in the harness, as `@salesforce/i18n/timeZone` gives it. */
export const TIME_ZONE = 'Europe/Amsterdam';

const AGENTS = ['John Doe', 'Sanne de Vries', 'Mehmet Yilmaz', 'Lotte Jansen'];

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * `count` calls on the Weborder, newest first, cycling through every state the timeline shows:
 * summary pending, missed with a reason, full insights, voicemail, expired recording, answering
 * service. `elsewhere` adds calls of the same number linked to another Weborder.
 */
export function sampleCalls(count: number, now: number = Date.now(), elsewhere = 2): CallEntry[] {
  const v = fixtureValues();
  const calls: CallEntry[] = [];
  const base = (i: number, minutesAgo: number): CallEntry => ({
    taskId: `00TRk${String(i).padStart(10, '0')}AAA`,
    callId: `${v.callId.slice(0, 26)}${String(i).padStart(6, '0')}`,
    direction: 'inbound',
    status: 'ANSWERED',
    missedReason: null,
    startedAt: new Date(now - minutesAgo * 60_000).toISOString(),
    durationSeconds: 60 + ((i * 37) % 540),
    agentName: i === 0 ? v.agent : AGENTS[i % AGENTS.length],
    externalNumber: v.number,
    externalNumberDisplay: v.numberDisplay,
    matchStatus: 'Matched',
    relatedRecordId: RECORD_ID,
    relatedRecordName: 'WO-1234',
    linkedHere: true,
    sentiment: null,
    topics: [],
    summary: null,
    hasRecording: true,
    recordingAvailableUntil: isoDate(now + 60 * 86_400_000),
    hasVoicemail: false
  });
  for (let i = 0; i < count; i++) {
    const minutesAgo = i === 0 ? 12 : i === 1 ? 185 : i === 2 ? 2 * 24 * 60 + 47 : i * 9 * 60;
    const call = base(i, minutesAgo);
    switch (i % 6) {
      case 0:
        // Just ended: insights are still on their way.
        break;
      case 1:
        Object.assign(call, {
          status: 'MISSED',
          missedReason: i % 12 === 1 ? 'NO_ANSWER' : 'OUTSIDE_BUSINESS_HOURS',
          durationSeconds: 0,
          agentName: null,
          hasRecording: false,
          recordingAvailableUntil: null
        });
        break;
      case 2:
        Object.assign(call, {
          direction: 'outbound',
          sentiment: v.sentiment,
          topics: v.topics,
          summary: `${v.summary} ${v.note} The agent also explained how to reschedule the delivery and offered a discount code for the next order.`
        });
        break;
      case 3:
        Object.assign(call, {
          status: 'VOICEMAIL',
          hasRecording: false,
          recordingAvailableUntil: null,
          hasVoicemail: true,
          agentName: null,
          durationSeconds: 34
        });
        break;
      case 4:
        Object.assign(call, {
          sentiment: 'NEGATIVE',
          topics: ['complaint', 'damaged item'],
          summary: 'The customer reported a damaged item. The agent arranged a replacement.',
          recordingAvailableUntil: isoDate(now - 5 * 86_400_000)
        });
        break;
      default:
        Object.assign(call, {
          status: 'ANSWERING_SERVICE',
          sentiment: 'NEUTRAL',
          topics: ['opening hours'],
          summary: 'The answering service took a message about opening hours.',
          hasRecording: false,
          recordingAvailableUntil: null
        });
    }
    calls.push(call);
  }
  for (let j = 0; j < (count > 0 ? elsewhere : 0); j++) {
    calls.push({
      ...base(count + j, 60 * (30 + j * 50)),
      linkedHere: false,
      relatedRecordId: OTHER_RECORD_ID,
      relatedRecordName: 'WO-1187',
      sentiment: 'POSITIVE',
      topics: ['invoice'],
      summary: 'The caller asked for a copy of the invoice of order 1187.'
    });
  }
  return calls;
}

/**
 * Minutes from 12:00 yesterday in the timeline's time zone to `now`: a fixed "26 hours ago" is
 * two days ago before 02:00, and the "Yesterday" label would then be wrong for a reason of the
 * clock, not of the component.
 */
function minutesSinceYesterdayNoon(now: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23'
  }).formatToParts(new Date(now));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute') + 12 * 60;
}

/**
 * The cases that broke the sidebar: an anonymous 0-second call whose start a skewed clock puts
 * in the future, a 10-hour call with a 4,000-character summary and long, emoji and many topics,
 * a long international number, a missed call two months ago, an expired recording, several
 * matches; with the same-number toggle also an unmatched call and one on a record with a long
 * name.
 */
export function hostileCalls(now: number = Date.now()): CallEntry[] {
  const v = fixtureValues();
  const [first] = sampleCalls(1, now, 0);
  const base = { ...first!, summary: null, sentiment: null, topics: [] };
  const at = (i: number, minutesAgo: number, extra: Partial<CallEntry>): CallEntry => ({
    ...base,
    taskId: `00TRkH${String(i).padStart(9, '0')}AAA`,
    callId: `hostile-${i}`,
    startedAt: new Date(now - minutesAgo * 60_000).toISOString(),
    ...extra
  });
  const longSummary = `${v.summary} `.repeat(40).slice(0, 4000);
  return [
    at(0, -3, {
      externalNumber: null,
      externalNumberDisplay: null,
      durationSeconds: 0,
      agentName: null
    }),
    at(1, minutesSinceYesterdayNoon(now), {
      durationSeconds: 36_000,
      summary: longSummary,
      sentiment: 'NEGATIVE',
      topics: [
        'a very long topic about the delivery of a replacement item to a second address',
        '🚚📦 levering',
        'invoice',
        'klacht over de bezorging en de communicatie daarover',
        'retour'
      ]
    }),
    at(2, 3 * 24 * 60, {
      externalNumber: '+4915123456789012',
      externalNumberDisplay: '+49 151 2345 6789 012',
      durationSeconds: 75,
      matchStatus: 'Multiple'
    }),
    at(3, 62 * 24 * 60, {
      status: 'MISSED',
      missedReason: 'OUTSIDE_BUSINESS_HOURS',
      durationSeconds: 0,
      agentName: null,
      hasRecording: false,
      recordingAvailableUntil: null
    }),
    at(4, 70 * 24 * 60, {
      durationSeconds: 10_800,
      recordingAvailableUntil: isoDate(now - 5 * 86_400_000)
    }),
    at(5, 5 * 60, {
      linkedHere: false,
      relatedRecordId: null,
      relatedRecordName: null,
      matchStatus: 'Unmatched'
    }),
    at(6, 8 * 60, {
      linkedHere: false,
      relatedRecordId: OTHER_RECORD_ID,
      relatedRecordName: 'WO-1187 – Jansen Installatietechniek en Onderhoud B.V., Amersfoort'
    })
  ];
}

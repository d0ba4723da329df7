// Timeline entries built from the shared Rinkel fixtures, the way CallTaskService stores a CDR on
// a Task and CallTimelineController reads it back.
import cdrFixture from '../../../../../scripts/testing/fixtures/rinkel/call-detail-record.with-insights.json';
import insightsFixture from '../../../../../scripts/testing/fixtures/rinkel/callInsights.json';
import type { CallEntry, CallPage } from '../callView';

export const RECORD_ID = 'a01000000000001AAA';
export const OTHER_RECORD_ID = 'a01000000000002AAA';

const cdr = cdrFixture.data;

/** callEnd cause → CDR status/missedReason, as documented in rinkel-api.md. */
export function fromCdr(overrides: Partial<CallEntry> = {}, index = 1): CallEntry {
  return {
    taskId: `00T0000000000${String(index).padStart(2, '0')}AAA`,
    callId: `${cdr.callId.slice(0, 28)}${String(index).padStart(4, '0')}`,
    direction: cdr.direction,
    status: cdr.status,
    missedReason: cdr.missedReason,
    startedAt: cdr.date,
    durationSeconds: cdr.duration,
    agentName: cdr.user.fullName,
    externalNumber: cdr.externalNumber.e164,
    externalNumberDisplay: cdr.externalNumber.localized,
    matchStatus: 'Matched',
    relatedRecordId: RECORD_ID,
    relatedRecordName: 'WO-1234',
    linkedHere: true,
    sentiment: insightsFixture.sentiment,
    topics: insightsFixture.topics,
    summary: cdr.insights.summary,
    hasRecording: cdr.callRecording !== null,
    recordingAvailableUntil: '2999-12-31',
    hasVoicemail: cdr.voicemail !== null,
    ...overrides
  };
}

export const LONG_SUMMARY = `${cdr.insights.summary} ${cdr.notes[0]?.content ?? ''} The agent also explained the return policy and offered a discount code for the next order.`;

/** Three calls, newest first, covering every status the timeline distinguishes. */
export function threeCalls(now: number): CallEntry[] {
  const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
  return [
    fromCdr({ startedAt: minutesAgo(5), summary: null, sentiment: null, topics: [] }, 1),
    fromCdr(
      {
        startedAt: minutesAgo(90),
        status: 'MISSED',
        missedReason: 'NO_ANSWER',
        durationSeconds: 0,
        summary: null,
        sentiment: null,
        topics: [],
        hasRecording: false,
        agentName: null
      },
      2
    ),
    fromCdr(
      {
        startedAt: minutesAgo(60 * 24 * 3),
        direction: 'outbound',
        sentiment: 'NEGATIVE',
        summary: LONG_SUMMARY,
        durationSeconds: 754
      },
      3
    )
  ];
}

export function page(calls: CallEntry[], extra: Partial<CallPage> = {}): CallPage {
  return { calls, hasMore: false, nextCursor: null, canListen: true, ...extra };
}

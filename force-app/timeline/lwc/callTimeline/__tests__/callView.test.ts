// Real English texts for the labels whose placeholders these tests check (sfdx-lwc-jest would
// otherwise turn every label into its name, e.g. "c.Rinkel_Timeline_Duration_Minutes").
jest.mock('@salesforce/label/c.Rinkel_Timeline_Duration_Seconds', () => ({ default: '{0} s' }), {
  virtual: true
});
jest.mock(
  '@salesforce/label/c.Rinkel_Timeline_Duration_Minutes',
  () => ({ default: '{0} min {1} s' }),
  { virtual: true }
);
jest.mock(
  '@salesforce/label/c.Rinkel_Timeline_Duration_Hours',
  () => ({ default: '{0} h {1} min' }),
  { virtual: true }
);
jest.mock('@salesforce/label/c.Rinkel_Timeline_Just_Now', () => ({ default: 'just now' }), {
  virtual: true
});
jest.mock(
  '@salesforce/label/c.Rinkel_Timeline_Yesterday_At',
  () => ({ default: 'Yesterday {0}' }),
  {
    virtual: true
  }
);
jest.mock('@salesforce/label/c.Rinkel_Timeline_Group_Today', () => ({ default: 'Today' }), {
  virtual: true
});
jest.mock('@salesforce/label/c.Rinkel_Timeline_Count', () => ({ default: '{0} calls' }), {
  virtual: true
});
jest.mock('@salesforce/label/c.Rinkel_Timeline_Count_More', () => ({ default: '{0}+ calls' }), {
  virtual: true
});
jest.mock('@salesforce/label/c.Rinkel_Timeline_Topics_More', () => ({ default: '+{0}' }), {
  virtual: true
});
jest.mock(
  '@salesforce/label/c.Rinkel_Timeline_Recording_Available_Until',
  () => ({ default: 'Recording available until {0}' }),
  { virtual: true }
);
jest.mock(
  '@salesforce/label/c.Rinkel_Timeline_Recording_Expired',
  () => ({ default: 'Recording was available until {0}' }),
  { virtual: true }
);
jest.mock(
  '@salesforce/label/c.Rinkel_Timeline_Call_Heading',
  () => ({ default: '{0}, {1}: {2}, {3}' }),
  { virtual: true }
);

import {
  ViewCache,
  absoluteTime,
  compareCalls,
  countText,
  dayKeyOf,
  errorMessage,
  formatDate,
  formatDuration,
  formatterCount,
  groupOf,
  mergeCall,
  previousDay,
  sameCallId,
  sameId,
  statusText,
  todayIn,
  toView,
  whenText,
  type CallEntry,
  type ListFilter,
  type ViewContext
} from '../callView';
import { fromCdr } from './fixtures';

// Monday 23 November 2026, 13:00 in Amsterdam.
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const HOUR = 3_600_000;
const DAY = 86_400_000;

function context(overrides: Partial<ViewContext> = {}): ViewContext {
  return {
    now: NOW,
    locale: 'en-US',
    timeZone: 'Europe/Amsterdam',
    canListen: true,
    ...overrides
  };
}

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [9, '9 s'],
    [59.6, '1 min 0 s'],
    [75, '1 min 15 s'],
    [754, '12 min 34 s'],
    [3725, '1 h 2 min'],
    [10_800, '3 h 0 min'],
    [36_000, '10 h 0 min']
  ])('%s seconds reads "%s", never m:ss', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([null, undefined, -1, Number.NaN])('shows nothing for %s', (seconds) => {
    expect(formatDuration(seconds)).toBe('');
  });
});

describe('when a call started', () => {
  it.each([
    [10_000, 'just now'],
    [5 * 60_000, '12:55 PM'],
    [12 * HOUR + 59 * 60_000, '12:01 AM'],
    [13 * HOUR + 1000, 'Yesterday 11:59 PM'],
    [26 * HOUR, 'Yesterday 11:00 AM'],
    [3 * DAY, 'Nov 20'],
    [400 * DAY, 'Oct 19, 2025']
  ])('%s ms ago reads "%s" (calendar days in the user zone)', (ms, text) => {
    expect(whenText(ago(ms), NOW, 'en-US', 'Europe/Amsterdam')).toBe(text);
  });

  it('says "just now" for a start a skewed clock puts in the future, never "in 3 minutes"', () => {
    expect(whenText(ago(-3 * 60_000), NOW, 'en-US', 'Europe/Amsterdam')).toBe('just now');
    expect(whenText(ago(-3 * 60_000), NOW, 'nl-NL', 'Europe/Amsterdam')).toBe('just now');
  });

  it('speaks Dutch for a Dutch user', () => {
    expect(whenText(ago(3 * HOUR), NOW, 'nl-NL', 'Europe/Amsterdam')).toBe('10:00');
    expect(whenText(ago(3 * DAY), NOW, 'nl-NL', 'Europe/Amsterdam')).toBe('20 nov');
  });

  it('counts days in the user zone, not in 24-hour blocks', () => {
    // 00:30 in Amsterdam: a call 45 minutes earlier was yesterday there, but today in UTC.
    const justAfterMidnight = Date.parse('2026-11-23T23:30:00.000Z');
    const call = new Date(justAfterMidnight - 45 * 60_000).toISOString();
    expect(whenText(call, justAfterMidnight, 'en-GB', 'Europe/Amsterdam')).toBe('Yesterday 23:45');
    expect(whenText(call, justAfterMidnight, 'en-GB', 'UTC')).toBe('22:45');
  });

  it('shows nothing for a value that is no date', () => {
    expect(whenText('not a date', NOW, 'en-US', 'UTC')).toBe('');
    expect(absoluteTime('not a date', 'en-US', 'UTC')).toBe('');
  });

  it('groups by Today, Yesterday, then by month', () => {
    expect(groupOf(ago(HOUR), NOW, 'en-US', 'Europe/Amsterdam').key).toBe('today');
    expect(groupOf(ago(-HOUR), NOW, 'en-US', 'Europe/Amsterdam').key).toBe('today');
    expect(groupOf(ago(DAY), NOW, 'en-US', 'Europe/Amsterdam').key).toBe('yesterday');
    expect(groupOf(ago(3 * DAY), NOW, 'en-US', 'Europe/Amsterdam')).toEqual({
      key: 'month-2026-11',
      title: 'November 2026'
    });
    expect(groupOf(ago(40 * DAY), NOW, 'nl-NL', 'Europe/Amsterdam')).toEqual({
      key: 'month-2026-10',
      title: 'Oktober 2026'
    });
  });

  it('steps back calendar days across month ends and DST', () => {
    expect(previousDay('2026-03-01')).toBe('2026-02-28');
    expect(previousDay('2026-10-26')).toBe('2026-10-25');
    expect(dayKeyOf(Date.parse('2026-10-25T22:30:00.000Z'), 'Europe/Amsterdam')).toBe('2026-10-25');
  });

  it('creates each Intl formatter once, however many calls are formatted', () => {
    const formatAll = (count: number) => {
      for (let i = 0; i < count; i++) {
        toView(fromCdr({ startedAt: ago(i * 7 * HOUR) }, i), context());
      }
    };
    formatAll(20);
    const after20 = formatterCount();
    formatAll(1000);
    expect(formatterCount()).toBe(after20);
  });
});

describe('header count', () => {
  it('counts calls, and says "2,000+" past the cap', () => {
    expect(countText(12, 'en-US')).toBe('12 calls');
    expect(countText(1, 'en-US')).toBe('c.Rinkel_Timeline_Count_One');
    expect(countText(2001, 'en-US')).toBe('2,000+ calls');
    expect(countText(null, 'en-US')).toBe('');
  });
});

describe('absolute dates', () => {
  it('shows the start in the user time zone', () => {
    expect(absoluteTime('2026-11-23T12:00:00.000Z', 'en-US', 'Europe/Amsterdam')).toBe(
      'Monday, November 23, 2026 at 1:00 PM'
    );
  });

  it('falls back to the browser zone when the zone is unknown', () => {
    expect(absoluteTime('2026-11-23T12:00:00.000Z', 'en-US', 'Mars/Olympus')).toContain('2026');
  });

  it('formats Apex dates without shifting the day', () => {
    expect(formatDate('2027-01-22', 'en-US')).toBe('Jan 22, 2027');
    expect(formatDate('2027-01-22', 'nl-NL')).toBe('22 jan 2027');
    expect(formatDate('soon', 'en-US')).toBe('soon');
  });

  it('knows today in the user time zone', () => {
    expect(todayIn(Date.parse('2026-11-23T23:30:00.000Z'), 'Europe/Amsterdam')).toBe('2026-11-24');
    expect(todayIn(Date.parse('2026-11-23T23:30:00.000Z'), 'UTC')).toBe('2026-11-23');
  });
});

describe('statusText', () => {
  it.each([
    ['ANSWERED', null, 'c.Rinkel_Timeline_Status_Answered'],
    ['answered', null, 'c.Rinkel_Timeline_Status_Answered'],
    ['MISSED', 'BLOCKED', 'c.Rinkel_Timeline_Status_Missed_Reason'],
    ['MISSED', 'SOMETHING_ELSE', 'c.Rinkel_Timeline_Status_Missed'],
    [null, null, 'c.Rinkel_Timeline_Status_Unknown']
  ])('%s / %s', (status, reason, label) => {
    expect(statusText(status, reason)).toBe(label);
  });
});

describe('toView', () => {
  it('says the summary is pending for an answered call that arrived live after the clock last moved, not for a skewed start', () => {
    const pending = (startedAt: string) =>
      toView(fromCdr({ startedAt, summary: null, status: 'ANSWERED' }), context()).summaryPending;
    // the timeline's `now` is up to a minute old when a live call comes in
    expect(pending(new Date(NOW + 40_000).toISOString())).toBe(true);
    expect(pending(ago(5 * 60_000))).toBe(true);
    expect(pending(new Date(NOW + 3 * 60_000).toISOString())).toBe(false);
    expect(pending(ago(2 * DAY))).toBe(false);
  });

  it('marks a recording expired the day after its available-until date, in the user time zone', () => {
    const call = fromCdr({ recordingAvailableUntil: '2026-11-23' });
    expect(toView(call, context()).recordingExpired).toBe(false);
    expect(toView(call, context()).showPlay).toBe(true);
    expect(toView(call, context()).recordingNote).toBe('Recording available until Nov 23, 2026');
    const nextDay = context({ now: Date.parse('2026-11-23T23:30:00.000Z') });
    expect(toView(call, nextDay).recordingExpired).toBe(true);
    expect(toView(call, nextDay).showPlay).toBe(false);
    // The last playable day is the day named: "was available until", never "expired on" it.
    expect(toView(call, nextDay).recordingNote).toBe('Recording was available until Nov 23, 2026');
  });

  it('says nothing about availability without a way to play, or long before it ends', () => {
    const soon = fromCdr({ recordingAvailableUntil: '2026-11-25' });
    expect(toView(soon, context({ canListen: false })).recordingNote).toBe('');
    expect(toView(soon, context({ canListen: false })).showPlay).toBe(false);
    expect(
      toView(fromCdr({ recordingAvailableUntil: '2027-03-01' }), context()).recordingNote
    ).toBe('');
    expect(
      toView(fromCdr({ recordingAvailableUntil: '2020-01-01' }), context({ canListen: false }))
        .recordingNote
    ).toBe('');
  });

  it('drops blank topics, keeps keys unique, and shows three topics plus "+N"', () => {
    const view = toView(fromCdr({ topics: ['delivery', ' ', 'delivery'] }), context());
    expect(view.topics.map((topic) => topic.key)).toEqual(['0-delivery', '1-delivery']);
    expect(view.hasMoreTopics).toBe(false);
    const many = toView(fromCdr({ topics: ['a', 'b', 'c', 'd', 'e'] }), context());
    expect(many.topics.map((topic) => topic.label)).toEqual(['a', 'b', 'c']);
    expect(many.moreTopicsText).toBe('+2');
    expect(many.moreTopicsTitle).toBe('d, e');
  });

  it('gives calls of unknown direction a neutral icon', () => {
    const view = toView(fromCdr({ direction: null }), context());
    expect(view.directionIcon).toBe('utility:call');
    expect(view.iconClass).toContain('call-icon_unknown');
  });

  it('shows only the exceptions as badges: another record, unmatched, several matches', () => {
    expect(toView(fromCdr(), context()).badges).toEqual([]);
    expect(
      toView(fromCdr({ matchStatus: 'Multiple' }), context()).badges.map((b) => b.key)
    ).toEqual(['multiple']);
    const elsewhere = toView(
      fromCdr({
        linkedHere: false,
        relatedRecordId: 'a01000000000002AAA',
        relatedRecordName: 'WO-9'
      }),
      context()
    );
    expect(elsewhere.badges.map((b) => [b.key, b.recordId])).toEqual([
      ['other', 'a01000000000002AAA']
    ]);
    const unmatched = toView(
      fromCdr({ linkedHere: false, relatedRecordId: null, matchStatus: 'Unmatched' }),
      context()
    );
    expect(unmatched.badges.map((b) => b.key)).toEqual(['unmatched']);
    expect(unmatched.canLink).toBe(true);
    expect(elsewhere.canLink).toBe(false);
    expect(toView(fromCdr(), context()).canLink).toBe(false);
  });

  it('shows neither duration nor agent for a missed call: its reason is what counts', () => {
    const missed = toView(
      fromCdr({ status: 'MISSED', missedReason: 'NO_ANSWER', durationSeconds: 0, agentName: null }),
      context()
    );
    expect(missed.showDuration).toBe(false);
    expect(missed.showAgent).toBe(false);
    expect(missed.statusClass).toContain('call-status_missed');
    const answered = toView(fromCdr({ durationSeconds: 75 }), context());
    expect(answered.showDuration).toBe(true);
    expect(answered.durationText).toBe('1 min 15 s');
  });

  it('keeps sentiment quieter than the outcome: text, no coloured badge', () => {
    const view = toView(fromCdr({ sentiment: 'NEGATIVE' }), context());
    expect(view.sentimentClass).not.toMatch(/slds-badge|slds-theme/);
  });

  it('names each call for screen readers by direction, outcome, who and when', () => {
    const view = toView(fromCdr({ startedAt: '2026-11-23T09:54:00.000Z' }), context());
    expect(view.headingText).toBe(
      'c.Rinkel_Timeline_Inbound, c.Rinkel_Timeline_Status_Answered: 06 12345678, Monday, November 23, 2026 at 10:54 AM'
    );
  });
});

describe('views built once per call and minute', () => {
  it('reuses the views and groups while neither the calls nor the minute change', () => {
    const cache = new ViewCache();
    const calls = [fromCdr({ startedAt: ago(HOUR) }, 1), fromCdr({ startedAt: ago(3 * DAY) }, 2)];
    const first = cache.groups(calls, context());
    expect(cache.built).toBe(2);
    expect(cache.groups(calls, context({ now: NOW + 1000 }))).toBe(first);
    expect(first.map((group) => group.key)).toEqual(['today', 'month-2026-11']);

    // One call changed: only that view is built again; the other keeps its object.
    const changed = [{ ...calls[0]!, summary: 'new' }, calls[1]!];
    const second = cache.groups(changed, context());
    expect(cache.built).toBe(3);
    expect(second[1]!.items[0]).toBe(first[1]!.items[0]);

    cache.groups(changed, context({ now: NOW + 60_000 }));
    expect(cache.built).toBe(5);
  });

  it('keeps the groups a change does not touch as the same objects (they do not re-render)', () => {
    const cache = new ViewCache();
    const calls = [fromCdr({ startedAt: ago(HOUR) }, 1), fromCdr({ startedAt: ago(3 * DAY) }, 2)];
    const first = cache.groups(calls, context());
    const fresh = fromCdr({ startedAt: ago(60_000 * 5) }, 3);
    const second = cache.groups([fresh, ...calls], context());
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]!.items).toHaveLength(2);
    expect(second[1]).toBe(first[1]);
  });
});

describe('live update merge', () => {
  const list: ListFilter = { filter: 'all', range: 'any', includeSameNumber: false, now: NOW };
  const at = (hoursAgo: number, index: number): CallEntry =>
    fromCdr({ startedAt: ago(hoursAgo * HOUR), callId: `call-${index}` }, index);
  const ids = (calls: CallEntry[]) => calls.map((call) => call.callId);

  it('replaces a changed call where it is', () => {
    const calls = [at(1, 1), at(2, 2), at(3, 3)];
    const merged = mergeCall(
      calls,
      'CALL-2',
      { ...calls[1]!, summary: 'now with insights' },
      list,
      true
    );
    expect(ids(merged.calls)).toEqual(['call-1', 'call-2', 'call-3']);
    expect(merged.calls[1]!.summary).toBe('now with insights');
    expect(merged.delta).toBe(0);
  });

  it('inserts a new call where it sorts, within the loaded pages only', () => {
    const calls = [at(1, 1), at(3, 3)];
    expect(ids(mergeCall(calls, 'call-2', at(2, 2), list, true).calls)).toEqual([
      'call-1',
      'call-2',
      'call-3'
    ]);
    expect(ids(mergeCall(calls, 'call-0', at(0, 0), list, true).calls)[0]).toBe('call-0');
    // Older than everything loaded while more pages exist: it comes with Load more.
    const older = mergeCall(calls, 'call-9', at(9, 9), list, true);
    expect(ids(older.calls)).toEqual(['call-1', 'call-3']);
    expect(older.delta).toBe(1);
    expect(ids(mergeCall(calls, 'call-9', at(9, 9), list, false).calls)).toEqual([
      'call-1',
      'call-3',
      'call-9'
    ]);
  });

  it('removes a call that no longer belongs (moved away, filtered out, no longer visible)', () => {
    const calls = [at(1, 1), at(2, 2)];
    expect(ids(mergeCall(calls, 'call-2', null, list, false).calls)).toEqual(['call-1']);
    const missedOnly = { ...list, filter: 'missed' as const };
    expect(ids(mergeCall(calls, 'call-2', calls[1]!, missedOnly, false).calls)).toEqual(['call-1']);
    const elsewhere = { ...calls[1]!, linkedHere: false };
    expect(ids(mergeCall(calls, 'call-2', elsewhere, list, false).calls)).toEqual(['call-1']);
    expect(
      ids(mergeCall(calls, 'call-2', elsewhere, { ...list, includeSameNumber: true }, false).calls)
    ).toEqual(['call-1', 'call-2']);
    expect(mergeCall(calls, 'call-7', null, list, false).changed).toBe(false);
  });

  it('orders like the controller: start time, then Task Id, newest first', () => {
    const a = fromCdr({ startedAt: ago(HOUR) }, 1);
    const b = fromCdr({ startedAt: ago(HOUR) }, 2);
    expect([a, b].sort(compareCalls).map((call) => call.taskId)).toEqual([b.taskId, a.taskId]);
    expect(sameCallId(' ABC ', 'abc')).toBe(true);
  });
});

describe('errorMessage', () => {
  it('reads Apex, list and plain errors', () => {
    expect(errorMessage({ body: { message: 'No access' } })).toBe('No access');
    expect(errorMessage({ body: [{ message: 'a' }, { message: 'b' }, {}] })).toBe('a, b');
    expect(errorMessage(new Error('x'))).toBe('');
    expect(errorMessage('text')).toBe('');
    expect(errorMessage(null)).toBe('');
  });
});

describe('sameId', () => {
  it('compares 15- and 18-character ids', () => {
    expect(sameId('a015g00000WO1234AA', 'a015g00000WO124')).toBe(false);
    expect(sameId('a015g00000WO123AAA', 'a015g00000WO123')).toBe(true);
    expect(sameId(null, 'a015g00000WO123')).toBe(false);
  });
});

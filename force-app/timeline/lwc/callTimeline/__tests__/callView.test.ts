import {
  absoluteTime,
  errorMessage,
  formatDate,
  formatDuration,
  relativeTime,
  sameId,
  statusText,
  todayIn,
  toView,
  type ViewContext
} from '../callView';
import { fromCdr } from './fixtures';

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function context(overrides: Partial<ViewContext> = {}): ViewContext {
  return {
    now: NOW,
    locale: 'en-US',
    timeZone: 'Europe/Amsterdam',
    canListen: true,
    expandedIds: new Set(),
    overflowingIds: new Set(),
    playingId: null,
    audioUrl: null,
    fetchingId: null,
    recordingErrors: {},
    ...overrides
  };
}

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [9, '0:09'],
    [60, '1:00'],
    [754, '12:34'],
    [3725, '62:05'],
    [59.6, '1:00']
  ])('%s seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([null, undefined, -1, Number.NaN])('shows nothing for %s', (seconds) => {
    expect(formatDuration(seconds)).toBe('');
  });
});

describe('relativeTime', () => {
  it.each([
    [10_000, 'now'],
    [5 * 60_000, '5 minutes ago'],
    [3 * 3_600_000, '3 hours ago'],
    [26 * 3_600_000, 'yesterday'],
    [10 * 86_400_000, 'last week'],
    [70 * 86_400_000, '2 months ago'],
    [800 * 86_400_000, '2 years ago']
  ])('%s ms ago reads "%s"', (ms, text) => {
    expect(relativeTime(ago(ms), NOW, 'en-US')).toBe(text);
  });

  it('speaks Dutch for a Dutch user', () => {
    expect(relativeTime(ago(3 * 3_600_000), NOW, 'nl-NL')).toBe('3 uur geleden');
  });

  it('shows nothing for a value that is no date', () => {
    expect(relativeTime('not a date', NOW, 'en-US')).toBe('');
    expect(absoluteTime('not a date', 'en-US', 'UTC')).toBe('');
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
  it('marks a recording expired the day after its available-until date, in the user time zone', () => {
    const call = fromCdr({ recordingAvailableUntil: '2026-11-23' });
    expect(toView(call, context()).recordingExpired).toBe(false);
    expect(toView(call, context()).showPlay).toBe(true);
    const nextDay = context({ now: Date.parse('2026-11-23T23:30:00.000Z') });
    expect(toView(call, nextDay).recordingExpired).toBe(true);
    expect(toView(call, nextDay).showPlay).toBe(false);
  });

  it('hides Play while the recording plays and shows the player URL only for that call', () => {
    const call = fromCdr();
    const playing = toView(call, context({ playingId: call.taskId, audioUrl: 'https://x/y' }));
    expect(playing.showPlay).toBe(false);
    expect(playing.audioUrl).toBe('https://x/y');
    const other = toView(
      fromCdr({}, 2),
      context({ playingId: call.taskId, audioUrl: 'https://x/y' })
    );
    expect(other.audioUrl).toBeNull();
    expect(other.showPlay).toBe(true);
  });

  it('drops blank topics and keeps keys unique when a topic repeats', () => {
    const view = toView(fromCdr({ topics: ['delivery', ' ', 'delivery'] }), context());
    expect(view.topics.map((topic) => topic.key)).toEqual(['0-delivery', '1-delivery']);
  });

  it('gives calls of unknown direction a neutral icon', () => {
    const view = toView(fromCdr({ direction: null }), context());
    expect(view.directionIcon).toBe('utility:call');
    expect(view.iconClass).toContain('call-icon_unknown');
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

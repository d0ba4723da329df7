import {
  $,
  $$,
  flush,
  mockGetCall,
  mockGetCalls,
  mockGetStreamUrl,
  mockRequestLink,
  mount,
  resetApexMocks,
  text,
  unmountAll
} from './timelineHarness';
import { subscribe, unsubscribe, type EmpMessage } from 'lightning/empApi';
import { registerRefreshHandler, unregisterRefreshHandler } from 'lightning/refresh';
import {
  CHANNEL,
  CLOCK_TICK_MS,
  LONG_SUMMARY_CHARS,
  REFRESH_DELAY_MS,
  type CallEntry,
  type CallPage
} from '../callView';
import { LONG_SUMMARY, OTHER_RECORD_ID, RECORD_ID, fromCdr, page, threeCalls } from './fixtures';

// NavigationMixin that records where the component navigates.
const mockNavigate = jest.fn();
jest.mock('lightning/navigation', () => {
  const Navigate = Symbol('Navigate');
  const GenerateUrl = Symbol('GenerateUrl');
  const NavigationMixin = (Base: new () => object) =>
    class extends Base {
      [Navigate](pageReference: unknown) {
        mockNavigate(pageReference);
      }
      [GenerateUrl]() {
        return Promise.resolve('/generated');
      }
    };
  NavigationMixin.Navigate = Navigate;
  NavigationMixin.GenerateUrl = GenerateUrl;
  return { NavigationMixin };
});

const mockRegisterRefresh = jest.mocked(registerRefreshHandler);
const mockUnregisterRefresh = jest.mocked(unregisterRefreshHandler);
const mockSubscribe = jest.mocked(subscribe);
const mockUnsubscribe = jest.mocked(unsubscribe);

// sfdx-lwc-jest turns every label import into its name, e.g. "c.Rinkel_Timeline_Empty".
const label = (name: string) => `c.Rinkel_Timeline_${name}`;

function lastRequest(): Record<string, unknown> {
  const call = mockGetCalls.mock.calls.at(-1);
  return (call?.[0]?.request ?? {}) as Record<string, unknown>;
}

let now: number;

beforeEach(() => {
  now = Date.now();
  resetApexMocks();
  mockNavigate.mockReset();
  mockRegisterRefresh.mockClear();
  mockUnregisterRefresh.mockClear();
  mockSubscribe.mockClear();
  mockUnsubscribe.mockClear();
});

afterEach(() => {
  unmountAll();
  jest.useRealTimers();
});

describe('loading, empty and error states', () => {
  it('shows a spinner while the first page loads', async () => {
    let resolve: (value: CallPage) => void = () => undefined;
    mockGetCalls.mockReturnValue(new Promise<CallPage>((r) => (resolve = r)));
    const element = mount();
    await flush();
    const spinner = $(element, 'lightning-spinner') as HTMLElement & { alternativeText?: string };
    expect(spinner).not.toBeNull();
    expect(spinner.alternativeText).toBe(label('Loading'));
    resolve(page([]));
    await flush();
    expect($(element, 'lightning-spinner')).toBeNull();
  });

  it('asks Apex for the first page of this record with the default page size', async () => {
    mockGetCalls.mockResolvedValue(page([]));
    mount();
    await flush();
    expect(mockGetCalls).toHaveBeenCalledWith({
      recordId: RECORD_ID,
      request: { filter: 'all', includeSameNumber: false, pageSize: 20, cursor: null, range: 'any' }
    });
  });

  it('says there are no calls yet on a record without calls', async () => {
    mockGetCalls.mockResolvedValue(page([]));
    const element = mount();
    await flush();
    expect(text($(element, '.empty-text'))).toBe(label('Empty'));
    expect(text($(element, '.empty-hint'))).toBe(label('Empty_Hint'));
    expect($(element, 'ol')).toBeNull();
    expect($(element, '.load-more')).toBeNull();
  });

  it('shows the reason from Apex when loading fails, and tries again on request', async () => {
    mockGetCalls.mockRejectedValueOnce({
      body: { message: 'Ask your administrator for Rinkel Agent.' }
    });
    const element = mount();
    await flush();
    expect($(element, '[role="alert"]')).not.toBeNull();
    expect(text($(element, '.error-title'))).toBe(label('Error_Load'));
    expect(text($(element, '.error-detail'))).toBe('Ask your administrator for Rinkel Agent.');

    mockGetCalls.mockResolvedValueOnce(page(threeCalls(now)));
    $(element, '.retry')!.click();
    await flush();
    expect($(element, '[role="alert"]')).toBeNull();
    expect($$(element, 'li.call')).toHaveLength(3);
  });

  it('still shows the error heading when the failure carries no message', async () => {
    mockGetCalls.mockRejectedValue(new Error('network'));
    const element = mount();
    await flush();
    expect(text($(element, '.error-title'))).toBe(label('Error_Load'));
    expect(text($(element, '.error-detail'))).toBe('');
  });

  it('says it needs a record instead of spinning forever without a record id', async () => {
    const element = mount(null);
    await flush();
    expect(mockGetCalls).not.toHaveBeenCalled();
    expect($(element, 'lightning-spinner')).toBeNull();
    expect(text($(element, '[role="alert"] .error-detail'))).toBe(label('No_Record'));
    expect($(element, '.retry')).toBeNull();
  });

  it('reloads for the new record when the record id changes', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    mockGetCalls.mockResolvedValue(page([fromCdr({}, 9)]));
    element.recordId = OTHER_RECORD_ID;
    await flush();
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
    expect(mockGetCalls.mock.calls[1]?.[0]).toMatchObject({ recordId: OTHER_RECORD_ID });
    expect($$(element, 'li.call')).toHaveLength(1);
  });

  it('shows the error title whole above its message and button (nothing side by side)', async () => {
    mockGetCalls.mockRejectedValue({ body: { message: 'Ask your administrator.' } });
    const element = mount();
    await flush();
    expect($(element, '.state_error .slds-media')).toBeNull();
    expect($(element, '.state_error .error-head .error-title')).not.toBeNull();
  });
});

describe('entries', () => {
  it('lists the calls in the order Apex returns them (newest first) in a labelled list', async () => {
    const calls = threeCalls(now);
    mockGetCalls.mockResolvedValue(page(calls));
    const element = mount();
    await flush();
    const list = $(element, 'ol.call-groups');
    expect(list?.getAttribute('aria-label')).toBe(label('List_Label'));
    const items = $$(element, 'li.call');
    expect(items.map((item) => item.dataset.id)).toEqual(calls.map((call) => call.taskId));
  });

  it('shows number, status, duration, agent and times of an answered inbound call', async () => {
    // Noon in the user's zone (sfdx-lwc-jest: America/Los_Angeles), so "today" is today.
    jest.useFakeTimers({ now: Date.parse('2026-11-23T20:00:00.000Z') });
    now = Date.now();
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const first = $$(element, 'li.call')[0]!;
    expect(text(first.querySelector('.call-number'))).toBe('06 12345678');
    expect(text(first.querySelector('.call-status'))).toBe(label('Status_Answered'));
    // Durations as people read them: "1 min 0 s" in English (label Duration_Minutes), not "1:00".
    expect(text(first.querySelector('.call-duration'))).toBe(label('Duration_Minutes'));
    expect(text(first.querySelector('.call-agent'))).toBe('John Doe');
    const direction = first.querySelector('lightning-icon.direction') as HTMLElement & {
      iconName?: string;
      alternativeText?: string;
    };
    expect(direction.iconName).toBe('utility:incoming_call');
    expect(direction.alternativeText).toBe(label('Inbound'));
    // A real time for today, under the group heading "Today" (not "5 minutes ago").
    const fiveAgo = new Date(now - 5 * 60_000);
    expect(text(first.querySelector('time'))).toBe(
      new Intl.DateTimeFormat('en-US', {
        timeStyle: 'short',
        timeZone: 'America/Los_Angeles'
      }).format(fiveAgo)
    );
    expect(text(first.closest('li.call-group')!.querySelector('h3'))).toBe(label('Group_Today'));
    const when = first.querySelector('.call-time')!;
    expect(when.getAttribute('title')).toContain(String(new Date(now).getFullYear()));
    expect(first.querySelector('time')!.getAttribute('datetime')).toBe(
      threeCalls(now)[0]!.startedAt
    );
  });

  it('makes the reason of a missed call stand out, without "0:00" or "No agent"', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const [, missed, outbound] = $$(element, 'li.call');
    expect(text(missed!.querySelector('.call-status'))).toBe(label('Status_Missed_Reason'));
    expect(missed!.querySelector('.call-status')!.classList).toContain('call-status_missed');
    expect(
      (missed!.querySelector('lightning-icon.direction') as HTMLElement & { iconName?: string })
        .iconName
    ).toBe('utility:missed_call');
    expect(missed!.querySelector('.call-agent')).toBeNull();
    expect(missed!.querySelector('.call-duration')).toBeNull();
    expect(text(missed)).not.toContain(label('No_Agent'));
    expect(
      (outbound!.querySelector('lightning-icon.direction') as HTMLElement & { iconName?: string })
        .iconName
    ).toBe('utility:outbound_call');
    expect(text(outbound!.querySelector('.call-duration'))).toBe(label('Duration_Minutes'));
  });

  it.each([
    ['VOICEMAIL', null, 'Status_Voicemail'],
    ['ANSWERING_SERVICE', null, 'Status_Answering_Service'],
    ['MISSED', null, 'Status_Missed'],
    ['SOMETHING_NEW', null, 'Status_Unknown']
  ])('names status %s', async (status, reason, expected) => {
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ status, missedReason: reason, startedAt: new Date(now).toISOString() })])
    );
    const element = mount();
    await flush();
    expect(text($(element, '.call-status'))).toBe(label(expected));
  });

  it('shows an anonymous caller as such', async () => {
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ externalNumber: null, externalNumberDisplay: null })])
    );
    const element = mount();
    await flush();
    expect(text($(element, '.call-number'))).toBe(label('Anonymous'));
  });

  it('badges only the exceptions: another record (a link), unmatched, several matches', async () => {
    mockGetCalls.mockResolvedValue(
      page([
        fromCdr({}, 1),
        fromCdr(
          { linkedHere: false, relatedRecordId: OTHER_RECORD_ID, relatedRecordName: 'WO-9999' },
          2
        ),
        fromCdr(
          {
            linkedHere: false,
            relatedRecordId: null,
            relatedRecordName: null,
            matchStatus: 'Unmatched'
          },
          3
        ),
        fromCdr({ matchStatus: 'Multiple' }, 4)
      ])
    );
    const element = mount();
    await flush();
    const items = $$(element, 'li.call');
    expect(items[0]!.querySelector('.call-badge')).toBeNull();
    expect(text(items[0])).not.toContain(label('Badge_Linked'));
    const link = items[1]!.querySelector<HTMLAnchorElement>('a.call-badge-link')!;
    expect(text(link)).toBe(label('Badge_Linked_Other'));
    expect(link.getAttribute('href')).toBe(`/lightning/r/${OTHER_RECORD_ID}/view`);
    // A click opens the record through NavigationMixin (console tabs, Experience Cloud, mobile).
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(mockNavigate).toHaveBeenCalledWith({
      type: 'standard__recordPage',
      attributes: { recordId: OTHER_RECORD_ID, actionName: 'view' }
    });
    expect(text(items[2]!.querySelector('.call-badge'))).toBe(label('Badge_Unmatched'));
    expect(Array.from(items[3]!.querySelectorAll('.call-badge')).map(text)).toEqual([
      label('Badge_Multiple')
    ]);
  });
});

describe('AI insights', () => {
  it('shows sentiment as quiet text, and topics as a labelled list', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    const element = mount();
    await flush();
    const sentiment = $(element, '.call-sentiment')!;
    expect(text(sentiment)).toBe(label('Sentiment_Label'));
    expect(sentiment.className).not.toMatch(/slds-badge|slds-theme/);
    const topics = $(element, 'ul.call-topics')!;
    expect(topics.getAttribute('aria-label')).toBe(label('Topics'));
    expect(Array.from(topics.querySelectorAll('li')).map(text)).toEqual([
      'delivery',
      'order status'
    ]);
  });

  it.each([
    ['NEGATIVE', 'call-sentiment_negative'],
    ['NEUTRAL', 'call-sentiment_neutral']
  ])('marks %s sentiment without a coloured badge', async (sentiment, className) => {
    mockGetCalls.mockResolvedValue(page([fromCdr({ sentiment })]));
    const element = mount();
    await flush();
    expect($(element, '.call-sentiment')!.classList).toContain(className);
  });

  /**
   * jsdom has no layout: a summary takes one 20px line per `charsPerLine` characters, and the
   * two-line clamp shows 40px of it. Returns the undo.
   */
  function layOut(charsPerLine: number): () => void {
    const scroll = jest
      .spyOn(Element.prototype, 'scrollHeight', 'get')
      .mockImplementation(function (this: Element) {
        return Math.ceil((this.textContent ?? '').trim().length / charsPerLine) * 20;
      });
    const client = jest
      .spyOn(Element.prototype, 'clientHeight', 'get')
      .mockImplementation(function (this: Element) {
        return this.classList.contains('call-summary_clamped') ? 40 : this.scrollHeight;
      });
    return () => {
      scroll.mockRestore();
      client.mockRestore();
    };
  }

  it('collapses a long summary to two lines with a Show more button that expands it', async () => {
    const undo = layOut(100);
    try {
      mockGetCalls.mockResolvedValue(page([fromCdr({ summary: LONG_SUMMARY })]));
      const element = mount();
      await flush();
      const summary = $(element, '.call-summary')!;
      expect(text(summary)).toBe(LONG_SUMMARY);
      expect(summary.classList).toContain('call-summary_clamped');
      const toggle = $(element, 'button.summary-toggle')!;
      expect(toggle.getAttribute('aria-expanded')).toBe('false');
      expect(toggle.getAttribute('aria-controls')).toBe(summary.id);
      expect(text(toggle)).toBe(label('Show_More'));

      toggle.click();
      await flush();
      expect($(element, '.call-summary')!.classList).not.toContain('call-summary_clamped');
      expect($(element, 'button.summary-toggle')!.getAttribute('aria-expanded')).toBe('true');
      expect(text($(element, 'button.summary-toggle'))).toBe(label('Show_Less'));

      $(element, 'button.summary-toggle')!.click();
      await flush();
      expect($(element, '.call-summary')!.classList).toContain('call-summary_clamped');
      expect(text($(element, 'button.summary-toggle'))).toBe(label('Show_More'));
    } finally {
      undo();
    }
  });

  it('shows a summary that fits in two lines whole, without a toggle', async () => {
    const undo = layOut(100);
    try {
      mockGetCalls.mockResolvedValue(page([fromCdr()]));
      const element = mount();
      await flush();
      expect(text($(element, '.call-summary'))).toBe(fromCdr().summary);
      expect($(element, 'button.summary-toggle')).toBeNull();
    } finally {
      undo();
    }
  });

  it('decides Show more by the lines the summary takes in its column, not by its length', async () => {
    // Sidebar: the fixture's short summary needs four lines, so it is clamped with Show more.
    let undo = layOut(35);
    try {
      mockGetCalls.mockResolvedValue(page([fromCdr()]));
      const element = mount();
      await flush();
      expect($(element, '.call-summary')!.classList).toContain('call-summary_clamped');
      expect(text($(element, 'button.summary-toggle'))).toBe(label('Show_More'));
    } finally {
      undo();
    }
    document.body.removeChild(document.body.firstChild!);
    // Wide main column: even the long summary fits in two lines; a toggle would do nothing.
    undo = layOut(LONG_SUMMARY.length);
    try {
      mockGetCalls.mockResolvedValue(page([fromCdr({ summary: LONG_SUMMARY })]));
      const element = mount();
      await flush();
      expect(text($(element, '.call-summary'))).toBe(LONG_SUMMARY);
      expect($(element, 'button.summary-toggle')).toBeNull();
    } finally {
      undo();
    }
  });

  it('says the summary is pending for a recent answered call without insights, not for old or missed ones', async () => {
    mockGetCalls.mockResolvedValue(
      page(threeCalls(now).map((call, i) => (i === 2 ? { ...call, summary: null } : call)))
    );
    const element = mount();
    await flush();
    const [recent, missed, old] = $$(element, 'li.call');
    expect(text(recent!.querySelector('.summary-pending'))).toBe(label('Summary_Pending'));
    expect(missed!.querySelector('.summary-pending')).toBeNull();
    expect(old!.querySelector('.summary-pending')).toBeNull();
    expect(old!.querySelector('.call-summary')).toBeNull();
  });
});

describe('recordings', () => {
  const STREAM = 'https://api.rinkel.com/v1/audio/call-recording/65a1f0c2e4b0a1b2c3d4e5f6?token=t1';

  it('offers no Play button without the listen permission', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()], { canListen: false }));
    const element = mount();
    await flush();
    expect($(element, '.play')).toBeNull();
  });

  it('fetches a fresh stream URL on Play and plays it in an audio player with controls', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    mockGetStreamUrl.mockResolvedValue(STREAM);
    const play = jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const element = mount();
    await flush();
    const button = $(element, '.play') as HTMLElement & { title?: string };
    expect(button.title).toBe(label('Play'));
    button.click();
    await flush();
    expect(mockGetStreamUrl).toHaveBeenCalledWith({ taskId: fromCdr().taskId });
    const audio = $(element, 'audio') as HTMLAudioElement;
    expect(audio.getAttribute('src')).toBe(STREAM);
    expect(audio.hasAttribute('controls')).toBe(true);
    expect(audio.getAttribute('aria-label')).toBe(label('Recording_Player'));
    expect(play).toHaveBeenCalled();
    expect($(element, '.play')).toBeNull();
    play.mockRestore();
  });

  it('names each Play button with its caller and time for screen readers', async () => {
    mockGetCalls.mockResolvedValue(
      page([fromCdr({}, 1), fromCdr({ externalNumber: null, externalNumberDisplay: null }, 2)])
    );
    const element = mount();
    await flush();
    const names = $$(element, '.play').map(
      (b) => (b as HTMLElement & { alternativeText?: string }).alternativeText ?? ''
    );
    expect(names).toHaveLength(2);
    const [first, second] = names;
    expect(
      first?.startsWith(`${label('Play')} – ${fromCdr({}, 1).externalNumberDisplay ?? ''}, `)
    ).toBe(true);
    expect(second?.startsWith(`${label('Play')} – ${label('Anonymous')}, `)).toBe(true);
    // The time follows the number: the absolute start time shown on hover.
    expect(first?.length).toBeGreaterThan(
      `${label('Play')} – ${fromCdr({}, 1).externalNumberDisplay ?? ''}, `.length
    );
  });

  it('plays only one recording at a time', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr({}, 1), fromCdr({}, 2)]));
    mockGetStreamUrl.mockResolvedValueOnce(`${STREAM}-a`).mockResolvedValueOnce(`${STREAM}-b`);
    jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const element = mount();
    await flush();
    $$(element, '.play')[0]!.click();
    await flush();
    $(element, '.play')!.click();
    await flush();
    const players = $$(element, 'audio');
    expect(players).toHaveLength(1);
    expect(players[0]!.getAttribute('src')).toBe(`${STREAM}-b`);
    expect($$(element, 'li.call')[1]!.querySelector('audio')).not.toBeNull();
    expect($$(element, 'li.call')[0]!.querySelector('.play')).not.toBeNull();
  });

  it('offers the voicemail when there is no recording', async () => {
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ hasRecording: false, hasVoicemail: true, status: 'VOICEMAIL' })])
    );
    const element = mount();
    await flush();
    expect(($(element, '.play') as HTMLElement & { title?: string }).title).toBe(
      label('Play_Voicemail')
    );
  });

  it('says the recording expired instead of offering Play past its available-until date', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr({ recordingAvailableUntil: '2020-03-01' })]));
    const element = mount();
    await flush();
    expect($(element, '.play')).toBeNull();
    expect(text($(element, '.recording-note'))).toBe(label('Recording_Expired'));
  });

  it('shows until when a recording is available only when that day is near', async () => {
    const inThreeDays = new Date(now + 3 * 86_400_000).toISOString().slice(0, 10);
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ recordingAvailableUntil: inThreeDays }, 1), fromCdr({}, 2)])
    );
    const element = mount();
    await flush();
    const [soon, later] = $$(element, 'li.call');
    expect(text(soon!.querySelector('.recording-note'))).toBe(label('Recording_Available_Until'));
    expect(later!.querySelector('.recording-note')).toBeNull();
  });

  it('says nothing about availability to an agent who cannot play recordings', async () => {
    const inThreeDays = new Date(now + 3 * 86_400_000).toISOString().slice(0, 10);
    mockGetCalls.mockResolvedValue(
      page(
        [
          fromCdr({ recordingAvailableUntil: inThreeDays }, 1),
          fromCdr({ recordingAvailableUntil: '2020-03-01' }, 2)
        ],
        { canListen: false }
      )
    );
    const element = mount();
    await flush();
    expect($(element, '.recording-note')).toBeNull();
    expect($(element, '.play')).toBeNull();
  });

  it('shows why a recording cannot be played and keeps the button for another try', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    mockGetStreamUrl.mockRejectedValueOnce({ body: { message: 'Rinkel could not be reached.' } });
    const element = mount();
    await flush();
    $(element, '.play')!.click();
    await flush();
    expect(text($(element, '.recording-error'))).toBe('Rinkel could not be reached.');
    expect($(element, '.play')).not.toBeNull();
    expect($(element, 'audio')).toBeNull();
  });

  it('falls back to a generic message when the player cannot load the audio', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    mockGetStreamUrl.mockResolvedValue(STREAM);
    jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const element = mount();
    await flush();
    $(element, '.play')!.click();
    await flush();
    $(element, 'audio')!.dispatchEvent(new CustomEvent('error'));
    await flush();
    expect(text($(element, '.recording-error'))).toBe(label('Recording_Error'));
    expect($(element, 'audio')).toBeNull();
  });
});

describe('filters and the same-number toggle', () => {
  it('offers all, inbound, outbound and missed, and reloads with the chosen filter', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const group = $(element, 'lightning-radio-group') as HTMLElement & {
      options?: { value: string; label: string }[];
      value?: string;
    };
    expect(group.options!.map((option) => option.value)).toEqual([
      'all',
      'inbound',
      'outbound',
      'missed'
    ]);
    expect(group.options!.map((option) => option.label)).toEqual([
      label('Filter_All'),
      label('Filter_Inbound'),
      label('Filter_Outbound'),
      label('Filter_Missed')
    ]);
    expect(group.value).toBe('all');

    mockGetCalls.mockResolvedValue(page([]));
    group.dispatchEvent(new CustomEvent('change', { detail: { value: 'missed' } }));
    await flush();
    expect(lastRequest()).toMatchObject({ filter: 'missed', cursor: null });
    expect(text($(element, '.empty-text'))).toBe(label('Empty_Filtered'));
  });

  it('reloads including calls with the same number elsewhere when the toggle is switched on', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    const element = mount();
    await flush();
    const toggle = $(element, 'lightning-input.same-number') as HTMLElement & {
      checked?: boolean;
      label?: string;
    };
    expect(toggle.label).toBe(label('Same_Number'));
    mockGetCalls.mockResolvedValue(
      page([
        fromCdr(),
        fromCdr(
          { linkedHere: false, relatedRecordId: OTHER_RECORD_ID, relatedRecordName: 'WO-9' },
          2
        )
      ])
    );
    toggle.checked = true;
    toggle.dispatchEvent(new CustomEvent('change'));
    await flush();
    expect(lastRequest()).toMatchObject({ includeSameNumber: true });
    expect($$(element, 'li.call')).toHaveLength(2);
  });
});

describe('paging', () => {
  it('loads the next page with the cursor, appends it and moves focus to the first new call', async () => {
    const first = threeCalls(now);
    mockGetCalls.mockResolvedValueOnce(page(first, { hasMore: true, nextCursor: 'cursor-1' }));
    const element = mount();
    await flush();
    const more = $(element, '.load-more') as HTMLElement & { label?: string };
    expect(more.label).toBe(label('Load_More'));

    const next = fromCdr({ startedAt: new Date(now - 10 * 86_400_000).toISOString() }, 9);
    mockGetCalls.mockResolvedValueOnce(page([next], { hasMore: false }));
    more.click();
    await flush();
    expect(lastRequest()).toMatchObject({ cursor: 'cursor-1', pageSize: 20 });
    const items = $$(element, 'li.call');
    expect(items.map((item) => item.dataset.id)).toEqual([
      ...first.map((call) => call.taskId),
      next.taskId
    ]);
    expect(element.shadowRoot!.activeElement).toBe(items[3]);
    expect(items[3]!.getAttribute('tabindex')).toBe('-1');
    expect($(element, '.load-more')).toBeNull();
  });

  it('disables Load more while a page is on its way', async () => {
    mockGetCalls.mockResolvedValueOnce(page(threeCalls(now), { hasMore: true, nextCursor: 'c' }));
    const element = mount();
    await flush();
    mockGetCalls.mockReturnValueOnce(new Promise<CallPage>(() => undefined));
    $(element, '.load-more')!.click();
    await flush();
    const more = $(element, '.load-more') as HTMLElement & { disabled?: boolean; label?: string };
    expect(more.disabled).toBe(true);
    expect(more.label).toBe(label('Loading_More'));
    more.click();
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
  });

  it('uses the page size set in App Builder', async () => {
    mockGetCalls.mockResolvedValue(page([]));
    mount(RECORD_ID, { pageSize: 50 });
    await flush();
    expect(lastRequest()).toMatchObject({ pageSize: 50 });
  });
});

describe('live updates', () => {
  function messageHandler(): (message: EmpMessage) => void {
    const handler = mockSubscribe.mock.calls.at(-1)?.[2];
    if (!handler) {
      throw new Error('not subscribed');
    }
    return handler;
  }

  const message = (payload: Record<string, unknown>): EmpMessage => ({
    channel: CHANNEL,
    data: { payload }
  });

  it('subscribes to the call update event and unsubscribes when the page closes', async () => {
    mockGetCalls.mockResolvedValue(page([]));
    const element = mount();
    await flush();
    expect(mockSubscribe).toHaveBeenCalledWith(CHANNEL, -1, expect.any(Function));
    document.body.removeChild(element);
    expect(mockUnsubscribe).toHaveBeenCalled();
  });

  /** `count` calls on this record, one every 10 minutes, newest first. */
  function manyCalls(count: number, from = 0): CallEntry[] {
    return Array.from({ length: count }, (_, i) =>
      fromCdr(
        {
          startedAt: new Date(now - (from + i + 1) * 600_000).toISOString(),
          callId: `call-${String(from + i).padStart(4, '0')}`,
          taskId: `00T00000000${String(from + i).padStart(4, '0')}AAA`
        },
        from + i
      )
    );
  }

  it('puts a new call in place from its id alone, keeping every loaded page and row', async () => {
    jest.useFakeTimers();
    // 260 calls loaded over three pages (the old reload shrank this to 200 and jumped).
    mockGetCalls
      .mockResolvedValueOnce(page(manyCalls(200), { hasMore: true, nextCursor: 'c1', total: 300 }))
      .mockResolvedValueOnce(
        page(manyCalls(60, 200), { hasMore: true, nextCursor: 'c2', total: 300 })
      );
    const element = mount();
    element.pageSize = 200;
    await flush();
    $(element, '.load-more')!.click();
    await flush();
    expect($$(element, 'li.call')).toHaveLength(260);
    const rowsBefore = $$(element, 'li.call');

    const fresh = fromCdr(
      { startedAt: new Date(now).toISOString(), callId: 'live-1', taskId: '00T0000000LIVE1AAA' },
      99
    );
    mockGetCall.mockResolvedValue(fresh);
    // The event carries ids only; the number is never read from it.
    messageHandler()(message({ Record_Id__c: RECORD_ID, Call_Id__c: 'LIVE-1' }));
    messageHandler()(message({ Record_Id__c: RECORD_ID.substring(0, 15), Call_Id__c: 'live-1' }));
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);

    expect(mockGetCall).toHaveBeenCalledTimes(1);
    expect(mockGetCall).toHaveBeenCalledWith({ recordId: RECORD_ID, callId: 'live-1' });
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
    const rows = $$(element, 'li.call');
    expect(rows).toHaveLength(261);
    expect(rows[0]!.dataset.id).toBe('00T0000000LIVE1AAA');
    // The rows that were there are the same elements: nothing re-created, scroll stays.
    expect(rows.slice(1)).toEqual(rowsBefore);
    expect(text($(element, '[aria-live="polite"].slds-assistive-text'))).toBe(label('Live_Update'));
  });

  it('updates a changed call where it is and removes one the agent may no longer see', async () => {
    jest.useFakeTimers();
    const calls = manyCalls(3);
    mockGetCalls.mockResolvedValue(page(calls, { total: 3 }));
    const element = mount();
    await flush();
    const middle = $$(element, 'li.call')[1]!;
    mockGetCall.mockResolvedValueOnce({ ...calls[1]!, summary: 'Insights arrived.' });
    messageHandler()(message({ Record_Id__c: RECORD_ID, Call_Id__c: calls[1]!.callId }));
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);
    expect($$(element, 'li.call')[1]).toBe(middle);
    expect(text(middle.querySelector('.call-summary'))).toBe('Insights arrived.');

    // Moved to another record (the event names that record): the call leaves this timeline.
    mockGetCall.mockResolvedValueOnce(null);
    messageHandler()(message({ Record_Id__c: OTHER_RECORD_ID, Call_Id__c: calls[2]!.callId }));
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);
    expect($$(element, 'li.call')).toHaveLength(2);
    expect(mockGetCalls).toHaveBeenCalledTimes(1);
  });

  it('keeps a page that arrives while a live update is applied, without doubles', async () => {
    jest.useFakeTimers();
    mockGetCalls.mockResolvedValueOnce(page(manyCalls(20), { hasMore: true, nextCursor: 'c1' }));
    const element = mount();
    await flush();
    let answer: (value: CallPage) => void = () => undefined;
    mockGetCalls.mockReturnValueOnce(new Promise<CallPage>((resolve) => (answer = resolve)));
    $(element, '.load-more')!.click();
    await flush();

    const fresh = fromCdr({ startedAt: new Date(now).toISOString(), callId: 'live-2' }, 98);
    mockGetCall.mockResolvedValue(fresh);
    messageHandler()(message({ Record_Id__c: RECORD_ID, Call_Id__c: 'live-2' }));
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);
    expect($$(element, 'li.call')).toHaveLength(21);

    answer(page(manyCalls(20, 20), { hasMore: false }));
    await flush(8);
    const ids = $$(element, 'li.call').map((row) => row.dataset.id);
    expect(ids).toHaveLength(41);
    expect(new Set(ids).size).toBe(41);
    expect(ids[0]).toBe(fresh.taskId);
  });

  it('reloads what is on screen for an event about this record without a call id', async () => {
    jest.useFakeTimers();
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    messageHandler()(message({ Record_Id__c: RECORD_ID }));
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);
    expect(mockGetCall).not.toHaveBeenCalled();
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
    expect(text($(element, '[aria-live="polite"].slds-assistive-text'))).toBe(label('Live_Update'));
  });

  it('re-reads many calls of one burst with one reload instead of one by one', async () => {
    jest.useFakeTimers();
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    mount();
    await flush();
    for (let i = 0; i < 11; i++) {
      messageHandler()(message({ Record_Id__c: RECORD_ID, Call_Id__c: `burst-${i}` }));
    }
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);
    expect(mockGetCall).not.toHaveBeenCalled();
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
  });

  it('ignores events about calls of other records', async () => {
    jest.useFakeTimers();
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    mount();
    await flush();
    messageHandler()(message({ Record_Id__c: OTHER_RECORD_ID, Call_Id__c: 'elsewhere' }));
    messageHandler()(message({}));
    jest.advanceTimersByTime(REFRESH_DELAY_MS * 2);
    await flush();
    expect(mockGetCall).not.toHaveBeenCalled();
    expect(mockGetCalls).toHaveBeenCalledTimes(1);
  });

  it('with the same-number toggle on, asks the controller, which applies the record numbers', async () => {
    jest.useFakeTimers();
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const toggle = $(element, 'lightning-input.same-number') as HTMLElement & { checked?: boolean };
    toggle.checked = true;
    toggle.dispatchEvent(new CustomEvent('change'));
    await flush();
    mockGetCall.mockResolvedValue(
      fromCdr(
        {
          linkedHere: false,
          relatedRecordId: OTHER_RECORD_ID,
          callId: 'other-record',
          startedAt: new Date(now).toISOString()
        },
        50
      )
    );
    messageHandler()(message({ Record_Id__c: OTHER_RECORD_ID, Call_Id__c: 'other-record' }));
    jest.advanceTimersByTime(REFRESH_DELAY_MS);
    await flush(8);
    expect(mockGetCall).toHaveBeenCalledWith({ recordId: RECORD_ID, callId: 'other-record' });
    expect($$(element, 'li.call')).toHaveLength(4);
  });

  it('moves "just now" and the day along while the page stays open, and stops when it closes', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-23T20:00:00.000Z') });
    const start = Date.now();
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ startedAt: new Date(start - 20_000).toISOString() })])
    );
    const element = mount();
    await flush();
    const shown = () => text($(element, '.call-time time'));
    expect(shown()).toBe(label('Just_Now'));

    jest.advanceTimersByTime(3 * CLOCK_TICK_MS);
    await flush();

    expect(shown()).toBe(
      new Intl.DateTimeFormat('en-US', {
        timeStyle: 'short',
        timeZone: 'America/Los_Angeles'
      }).format(start - 20_000)
    );
    expect(mockGetCalls).toHaveBeenCalledTimes(1);
    document.body.removeChild(element);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('announces a refresh only when it is the one on screen, not when superseded', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const live = () => text($(element, '[aria-live="polite"].slds-assistive-text'));
    let answerRefresh: (value: CallPage) => void = () => undefined;
    let answerFilter: (value: CallPage) => void = () => undefined;
    mockGetCalls
      .mockReturnValueOnce(new Promise<CallPage>((resolve) => (answerRefresh = resolve)))
      .mockReturnValueOnce(new Promise<CallPage>((resolve) => (answerFilter = resolve)));
    $(element, 'lightning-button-icon.refresh')!.click();
    await flush();
    ($(element, 'lightning-radio-group') as HTMLElement).dispatchEvent(
      new CustomEvent('change', { detail: { value: 'missed' } })
    );
    await flush();
    answerFilter(page([threeCalls(now)[1]!]));
    await flush(8);
    answerRefresh(page(threeCalls(now)));
    await flush(8);
    expect(live()).toBe('');
    expect($$(element, 'li.call')).toHaveLength(1);
  });

  it('reloads on the standard refresh (lightning/refresh) and unregisters when it closes', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    expect(mockRegisterRefresh).toHaveBeenCalledTimes(1);
    const handler = mockRegisterRefresh.mock.calls[0]![1];
    const result = handler();
    await flush(8);
    await expect(Promise.resolve(result)).resolves.toBe(true);
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
    expect(text($(element, '[aria-live="polite"].slds-assistive-text'))).toBe(label('Live_Update'));
    document.body.removeChild(element);
    expect(mockUnregisterRefresh).toHaveBeenCalledWith(mockRegisterRefresh.mock.results[0]!.value);
  });

  it('reloads as many calls as are on screen on refresh, past the 200 of one page', async () => {
    mockGetCalls
      .mockResolvedValueOnce(page(manyCalls(200), { hasMore: true, nextCursor: 'c1' }))
      .mockResolvedValueOnce(page(manyCalls(60, 200), { hasMore: true, nextCursor: 'c2' }));
    const element = mount();
    element.pageSize = 200;
    await flush();
    $(element, '.load-more')!.click();
    await flush();
    mockGetCalls
      .mockResolvedValueOnce(page(manyCalls(200), { hasMore: true, nextCursor: 'r1' }))
      .mockResolvedValueOnce(page(manyCalls(60, 200), { hasMore: true, nextCursor: 'r2' }));
    $(element, 'lightning-button-icon.refresh')!.click();
    await flush(12);
    expect(mockGetCalls.mock.calls.slice(2).map((call) => call[0]?.request)).toMatchObject([
      { pageSize: 200, cursor: null },
      { pageSize: 60, cursor: 'r1' }
    ]);
    expect($$(element, 'li.call')).toHaveLength(260);
  });

  it('keeps working when the streaming API is unavailable', async () => {
    mockSubscribe.mockRejectedValueOnce(new Error('no streaming'));
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    expect($$(element, 'li.call')).toHaveLength(3);
  });

  it('refreshes on the Refresh button', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const refresh = $(element, 'lightning-button-icon.refresh') as HTMLElement & {
      alternativeText?: string;
    };
    expect(refresh.alternativeText).toBe(label('Refresh'));
    refresh.click();
    await flush();
    expect(mockGetCalls).toHaveBeenCalledTimes(2);
  });
});

/** A ResizeObserver the test drives: `resize(width)` reports a new width for every observed box. */
function installResizeObserver(): { resize: (width: number) => void; restore: () => void } {
  const observers: { callback: ResizeObserverCallback; targets: Element[] }[] = [];
  class FakeResizeObserver {
    private entry: { callback: ResizeObserverCallback; targets: Element[] };
    constructor(callback: ResizeObserverCallback) {
      this.entry = { callback, targets: [] };
      observers.push(this.entry);
    }
    observe(target: Element) {
      this.entry.targets.push(target);
    }
    unobserve(target: Element) {
      this.entry.targets = this.entry.targets.filter((t) => t !== target);
    }
    disconnect() {
      this.entry.targets = [];
    }
  }
  const original = (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = FakeResizeObserver;
  return {
    resize(width: number) {
      for (const observer of observers) {
        const entries = observer.targets.map(
          (target) => ({ target, contentRect: { width } }) as unknown as ResizeObserverEntry
        );
        if (entries.length > 0) {
          observer.callback(entries, observer as unknown as ResizeObserver);
        }
      }
    },
    restore() {
      (globalThis as { ResizeObserver?: unknown }).ResizeObserver = original;
    }
  };
}

describe('narrow columns (a record page sidebar is about 300 px)', () => {
  let observer: ReturnType<typeof installResizeObserver>;
  beforeEach(() => {
    observer = installResizeObserver();
  });
  afterEach(() => observer.restore());

  it('puts the direction filter in a combobox when the column is narrow, buttons when wide', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    observer.resize(300);
    await flush();
    expect($(element, 'lightning-radio-group')).toBeNull();
    const combobox = $(element, 'lightning-combobox.filter-combobox') as HTMLElement & {
      options?: { value: string }[];
      label?: string;
    };
    expect(combobox.options!.map((option) => option.value)).toEqual([
      'all',
      'inbound',
      'outbound',
      'missed'
    ]);
    expect(combobox.label).toBe(label('Filter_Label'));
    combobox.dispatchEvent(new CustomEvent('change', { detail: { value: 'missed' } }));
    await flush();
    expect(lastRequest()).toMatchObject({ filter: 'missed' });

    observer.resize(1000);
    await flush();
    expect($(element, 'lightning-combobox.filter-combobox')).toBeNull();
    expect($(element, 'lightning-radio-group')).not.toBeNull();
  });

  it('offers and withdraws Show more when the column narrows or widens, without a re-render', async () => {
    // Each summary takes one 20px line per `charsPerLine` characters; the clamp shows 40px.
    let charsPerLine = 400;
    const scroll = jest
      .spyOn(Element.prototype, 'scrollHeight', 'get')
      .mockImplementation(function (this: Element) {
        return Math.ceil((this.textContent ?? '').trim().length / charsPerLine) * 20;
      });
    const client = jest
      .spyOn(Element.prototype, 'clientHeight', 'get')
      .mockImplementation(function (this: Element) {
        return this.classList.contains('call-summary_clamped') ? 40 : this.scrollHeight;
      });
    try {
      mockGetCalls.mockResolvedValue(page([fromCdr({ summary: LONG_SUMMARY })]));
      const element = mount();
      await flush();
      observer.resize(1000);
      await flush();
      expect($(element, 'button.summary-toggle')).toBeNull();

      charsPerLine = 30;
      observer.resize(300);
      await flush();
      expect(text($(element, 'button.summary-toggle'))).toBe(label('Show_More'));

      charsPerLine = 400;
      observer.resize(1000);
      await flush();
      expect($(element, 'button.summary-toggle')).toBeNull();
    } finally {
      scroll.mockRestore();
      client.mockRestore();
    }
  });

  it('measures again when a live update brings a longer summary into the same box', async () => {
    jest.useFakeTimers();
    const scroll = jest
      .spyOn(Element.prototype, 'scrollHeight', 'get')
      .mockImplementation(function (this: Element) {
        return Math.ceil((this.textContent ?? '').trim().length / 100) * 20;
      });
    const client = jest
      .spyOn(Element.prototype, 'clientHeight', 'get')
      .mockImplementation(function (this: Element) {
        return this.classList.contains('call-summary_clamped') ? 40 : this.scrollHeight;
      });
    try {
      const call = fromCdr({ summary: 'Short.' });
      mockGetCalls.mockResolvedValue(page([call]));
      const element = mount();
      await flush();
      observer.resize(1000);
      await flush();
      expect($(element, 'button.summary-toggle')).toBeNull();
      mockGetCall.mockResolvedValue({ ...call, summary: LONG_SUMMARY.repeat(3) });
      const handler = mockSubscribe.mock.calls.at(-1)![2];
      handler({
        channel: CHANNEL,
        data: { payload: { Record_Id__c: RECORD_ID, Call_Id__c: call.callId } }
      });
      jest.advanceTimersByTime(REFRESH_DELAY_MS);
      await flush(8);
      expect(text($(element, 'button.summary-toggle'))).toBe(label('Show_More'));
    } finally {
      scroll.mockRestore();
      client.mockRestore();
    }
  });

  it('shows three topics and "+N" with the rest in its title', async () => {
    const topics = [
      'delivery',
      'order status',
      'a topic far too long to fit in a sidebar column',
      'invoice',
      '😀 emoji'
    ];
    mockGetCalls.mockResolvedValue(page([fromCdr({ topics })]));
    const element = mount();
    await flush();
    const pills = $$(element, '.call-topic');
    expect(pills.map((pill) => pill.getAttribute('title'))).toEqual([
      'delivery',
      'order status',
      'a topic far too long to fit in a sidebar column',
      'invoice, 😀 emoji'
    ]);
    expect(text($(element, '.call-topic_more [aria-hidden="true"]'))).toBe(label('Topics_More'));
  });

  it('gives the number its whole value as a title, since a narrow column cuts it', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    const element = mount();
    await flush();
    expect($(element, '.call-number')!.getAttribute('title')).toBe('06 12345678');
  });
});

describe('reading and keyboard use', () => {
  const STREAM = 'https://api.rinkel.com/v1/audio/call-recording/abc?token=t1';

  it('gives every call a heading with direction, outcome, who and when, under day groups', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const headings = $$(element, 'li.call h4.call-heading');
    expect(headings).toHaveLength(3);
    expect(text(headings[0]!.querySelector('.slds-assistive-text'))).toBe(label('Call_Heading'));
    expect($$(element, 'li.call-group h3.call-group-title').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps focus on the player after Play instead of losing it to the page', async () => {
    mockGetCalls.mockResolvedValue(page([fromCdr()]));
    mockGetStreamUrl.mockResolvedValue(STREAM);
    jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const element = mount();
    await flush();
    $(element, '.play')!.click();
    await flush();
    expect(element.shadowRoot!.activeElement).toBe($(element, 'audio'));
  });

  it('never starts a recording again by itself after a filter change and back', async () => {
    const calls = [fromCdr({}, 1)];
    mockGetCalls.mockResolvedValue(page(calls));
    mockGetStreamUrl.mockResolvedValue(STREAM);
    const play = jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    play.mockClear();
    const element = mount();
    await flush();
    $(element, '.play')!.click();
    await flush();
    expect(play).toHaveBeenCalledTimes(1);

    const group = () => $(element, 'lightning-radio-group') as HTMLElement;
    mockGetCalls.mockResolvedValue(page([]));
    group().dispatchEvent(new CustomEvent('change', { detail: { value: 'missed' } }));
    await flush();
    mockGetCalls.mockResolvedValue(page(calls));
    group().dispatchEvent(new CustomEvent('change', { detail: { value: 'all' } }));
    await flush();
    expect(play).toHaveBeenCalledTimes(1);
    expect($(element, 'audio')).toBeNull();
    expect($(element, '.play')).not.toBeNull();
    play.mockRestore();
  });

  it('gives a very long summary Show less at its top as well, in a bounded scroll box', async () => {
    const scroll = jest.spyOn(Element.prototype, 'scrollHeight', 'get').mockReturnValue(400);
    const client = jest.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(40);
    try {
      const summary = 'A long conversation. '.repeat(200);
      expect(summary.length).toBeGreaterThan(LONG_SUMMARY_CHARS);
      mockGetCalls.mockResolvedValue(page([fromCdr({ summary })]));
      const element = mount();
      await flush();
      $(element, 'button.summary-toggle')!.click();
      await flush();
      const toggles = $$(element, 'button.summary-toggle');
      expect(toggles.map(text)).toEqual([label('Show_Less'), label('Show_Less')]);
      const box = $(element, '.call-summary-scroll')!;
      expect(box.getAttribute('tabindex')).toBe('0');
      expect(box.getAttribute('role')).toBe('region');
      toggles[0]!.click();
      await flush();
      expect($$(element, 'button.summary-toggle').map(text)).toEqual([label('Show_More')]);
      // The top toggle went away with the expanded text: focus is on the one that stayed.
      expect(element.shadowRoot!.activeElement).toBe($(element, 'button.summary-toggle'));
    } finally {
      scroll.mockRestore();
      client.mockRestore();
    }
  });

  it('creates no date formatter and rebuilds no call when Show more is toggled', async () => {
    const scroll = jest.spyOn(Element.prototype, 'scrollHeight', 'get').mockReturnValue(400);
    const client = jest.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(40);
    const calls = Array.from({ length: 50 }, (_, i) =>
      fromCdr({ summary: LONG_SUMMARY, startedAt: new Date(now - i * 3_600_000).toISOString() }, i)
    );
    mockGetCalls.mockResolvedValue(page(calls));
    const element = mount();
    await flush();
    const formats = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      $(element, 'button.summary-toggle')!.click();
      await flush();
      expect(text($(element, 'button.summary-toggle'))).toBe(label('Show_Less'));
      expect(formats).not.toHaveBeenCalled();
    } finally {
      formats.mockRestore();
      scroll.mockRestore();
      client.mockRestore();
    }
  });
});

describe('actions on a call, count and date range', () => {
  function menuOf(row: HTMLElement): HTMLElement & { alternativeText?: string } {
    return row.querySelector('lightning-button-menu') as HTMLElement & { alternativeText?: string };
  }
  function items(row: HTMLElement): string[] {
    return Array.from(row.querySelectorAll('lightning-menu-item')).map(
      (item) => (item as HTMLElement & { value?: string }).value ?? ''
    );
  }
  const select = (row: HTMLElement, value: string) =>
    menuOf(row).dispatchEvent(new CustomEvent('select', { detail: { value } }));

  it('offers open, link (unmatched or several matches) and a note (if editable)', async () => {
    mockGetCalls.mockResolvedValue(
      page(
        [
          fromCdr({ canEdit: true }, 1),
          fromCdr(
            { linkedHere: false, relatedRecordId: null, matchStatus: 'Unmatched', canEdit: false },
            2
          ),
          fromCdr({ matchStatus: 'Multiple' }, 3)
        ],
        { canListen: true }
      )
    );
    const element = mount();
    await flush();
    const [mine, unmatched, multiple] = $$(element, 'li.call');
    expect(items(mine!)).toEqual(['open', 'note']);
    expect(items(unmatched!)).toEqual(['open', 'link']);
    expect(items(multiple!)).toEqual(['open', 'link']);
    expect(menuOf(mine!).alternativeText).toBe(label('Row_Actions'));

    select(mine!, 'open');
    expect(mockNavigate).toHaveBeenLastCalledWith({
      type: 'standard__recordPage',
      attributes: { recordId: fromCdr({}, 1).taskId, actionName: 'view' }
    });
    select(mine!, 'note');
    expect(mockNavigate).toHaveBeenLastCalledWith({
      type: 'standard__recordPage',
      attributes: { recordId: fromCdr({}, 1).taskId, actionName: 'edit' }
    });
  });

  it('sends a link request and says an admin will confirm it; shows a refusal', async () => {
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ linkedHere: false, relatedRecordId: null, matchStatus: 'Unmatched' }, 2)])
    );
    mockRequestLink.mockResolvedValueOnce('An administrator will confirm the link.');
    const element = mount();
    await flush();
    const row = $$(element, 'li.call')[0]!;
    select(row, 'link');
    await flush();
    expect(mockRequestLink).toHaveBeenCalledWith({
      taskId: fromCdr({}, 2).taskId,
      recordId: RECORD_ID
    });
    expect(text(row.querySelector('.action-message'))).toBe(
      'An administrator will confirm the link.'
    );
    expect(row.querySelector('.action-message')!.getAttribute('role')).toBe('status');
    // Sent once: the menu no longer offers it.
    expect(items(row)).toEqual(['open']);
  });

  it('shows why a link request failed and offers it again', async () => {
    mockGetCalls.mockResolvedValue(
      page([fromCdr({ linkedHere: false, relatedRecordId: null, matchStatus: 'Unmatched' }, 2)])
    );
    const element = mount();
    await flush();
    const row = $$(element, 'li.call')[0]!;
    mockRequestLink.mockRejectedValueOnce({});
    select(row, 'link');
    await flush();
    expect(text(row.querySelector('.action-error'))).toBe(label('Link_Failed'));
    expect(items(row)).toEqual(['open', 'link']);
    mockRequestLink.mockRejectedValueOnce({ body: { message: 'This call is already linked.' } });
    select(row, 'link');
    await flush();
    expect(text(row.querySelector('.action-error'))).toBe('This call is already linked.');
  });

  it('counts the calls in the header', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now), { total: 12, hasMore: true }));
    const element = mount();
    await flush();
    expect(text($(element, '.call-count'))).toBe(label('Count'));
  });

  it('filters by date range besides direction', async () => {
    mockGetCalls.mockResolvedValue(page(threeCalls(now)));
    const element = mount();
    await flush();
    const range = $(element, 'lightning-combobox.range') as HTMLElement & {
      options?: { value: string }[];
    };
    expect(range.options!.map((option) => option.value)).toEqual(['any', 'week', 'month', 'year']);
    mockGetCalls.mockResolvedValue(page([]));
    range.dispatchEvent(new CustomEvent('change', { detail: { value: 'week' } }));
    await flush();
    expect(lastRequest()).toMatchObject({ range: 'week', filter: 'all', cursor: null });
    expect(text($(element, '.empty-text'))).toBe(label('Empty_Filtered'));
  });
});

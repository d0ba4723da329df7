// Call back (click-to-dial, force-app/telephony) in the timeline's row menu.
import {
  flush,
  mockDialCall,
  mockGetCalls,
  mount,
  resetApexMocks,
  unmountAll,
  text
} from './timelineHarness';
import { fromCdr, page, RECORD_ID } from './fixtures';

// The agent has Rinkel_Dialer (the custom permission Rinkel_Click_To_Dial).
jest.mock('@salesforce/customPermission/Rinkel_Click_To_Dial', () => ({ default: true }), {
  virtual: true
});

const rows = (element: HTMLElement) =>
  Array.from(element.shadowRoot!.querySelectorAll<HTMLElement>('li.call'));
const items = (row: HTMLElement) =>
  Array.from(row.querySelectorAll('lightning-menu-item')).map(
    (item) => (item as HTMLElement & { value?: string }).value ?? ''
  );
const select = (row: HTMLElement, value: string) =>
  row
    .querySelector('lightning-button-menu')!
    .dispatchEvent(new CustomEvent('select', { detail: { value } }));

const missed = fromCdr({ status: 'MISSED', missedReason: 'NO_ANSWER', durationSeconds: 0 }, 1);
const voicemail = fromCdr({ status: 'VOICEMAIL' }, 2);
const answered = fromCdr({}, 3);
const hidden = fromCdr(
  { status: 'MISSED', externalNumber: null, externalNumberDisplay: null, matchStatus: 'Anonymous' },
  4
);

beforeEach(() => {
  resetApexMocks();
  mockGetCalls.mockResolvedValue(page([missed, voicemail, answered, hidden]));
});

afterEach(unmountAll);

describe('Call back', () => {
  it('is offered on missed calls and voicemails with a number, not on answered or hidden ones', async () => {
    const element = mount();
    await flush();
    const [m, v, a, h] = rows(element);
    expect(items(m!)).toContain('callback');
    expect(items(v!)).toContain('callback');
    expect(items(a!)).not.toContain('callback');
    expect(items(h!)).not.toContain('callback');
    const item = m!.querySelector('lightning-menu-item.call-back') as HTMLElement & {
      label?: string;
    };
    expect(item.label).toBe('c.Rinkel_Dial_Call_Back');
  });

  it('dials once for the row, links it to this record and says Rinkel is ringing the agent', async () => {
    let answer: (value: unknown) => void = () => undefined;
    mockDialCall.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const element = mount();
    await flush();
    const row = rows(element)[0]!;

    select(row, 'callback');
    await flush();
    expect(mockDialCall).toHaveBeenCalledWith({ taskId: missed.taskId, recordId: RECORD_ID });
    expect(text(row.querySelector('.action-message'))).toBe('c.Rinkel_Dial_Calling');
    // A second click while the first is on its way does not dial again.
    select(row, 'callback');
    await flush();
    expect(mockDialCall).toHaveBeenCalledTimes(1);

    answer({ placed: true, message: 'Rinkel is calling your phone.' });
    await flush();
    expect(text(row.querySelector('.action-message'))).toBe('Rinkel is calling your phone.');
    expect(row.querySelector('.action-message')!.getAttribute('role')).toBe('status');
    expect(row.querySelector('.action-error')).toBeNull();
  });

  it('shows a refusal or a failure as an alert and never dials by itself', async () => {
    mockDialCall.mockResolvedValueOnce({ placed: false, message: 'Sign in to the Rinkel app.' });
    const element = mount();
    await flush();
    const row = rows(element)[0]!;
    select(row, 'callback');
    await flush();
    expect(text(row.querySelector('.action-error'))).toBe('Sign in to the Rinkel app.');
    expect(row.querySelector('.action-error')!.getAttribute('role')).toBe('alert');
    expect(row.querySelector('.action-message')).toBeNull();

    mockDialCall.mockRejectedValueOnce(new Error('offline'));
    select(row, 'callback');
    await flush();
    expect(text(row.querySelector('.action-error'))).toBe('c.Rinkel_Dial_Failed');
    expect(mockDialCall).toHaveBeenCalledTimes(2);
  });
});

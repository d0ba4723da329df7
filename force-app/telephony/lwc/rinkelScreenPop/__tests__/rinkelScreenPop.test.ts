import { createElement } from 'lwc';
import RinkelScreenPop from 'c/rinkelScreenPop';
import getAgent from '@salesforce/apex/RinkelScreenPopController.getAgent';
import getPop from '@salesforce/apex/RinkelScreenPopController.getPop';
import searchRecords from '@salesforce/apex/RinkelScreenPopController.searchRecords';
import setAutoOpen from '@salesforce/apex/RinkelScreenPopController.setAutoOpen';
import { subscribe, unsubscribe, type EmpMessage } from 'lightning/empApi';
import { CHANNEL, SEARCH_DELAY_MS } from '../rinkelScreenPop';

jest.mock('@salesforce/apex/RinkelScreenPopController.getAgent', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/RinkelScreenPopController.getPop', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock(
  '@salesforce/apex/RinkelScreenPopController.searchRecords',
  () => ({ default: jest.fn() }),
  {
    virtual: true
  }
);
jest.mock(
  '@salesforce/apex/RinkelScreenPopController.setAutoOpen',
  () => ({ default: jest.fn() }),
  {
    virtual: true
  }
);
const mockUtility = { open: jest.fn(), highlight: jest.fn() };
jest.mock(
  'lightning/platformUtilityBarApi',
  () => ({
    getEnclosingUtilityId: () => Promise.resolve('utility-1'),
    open: (id: string) => {
      mockUtility.open(id);
      return Promise.resolve(true);
    },
    setUtilityHighlighted: (id: string, on: boolean) => {
      mockUtility.highlight(id, on);
      return Promise.resolve(true);
    }
  }),
  { virtual: true }
);
const mockNavigate = jest.fn();
jest.mock('lightning/navigation', () => {
  const Navigate = Symbol('Navigate');
  const NavigationMixin = (Base: new () => object) =>
    class extends Base {
      [Navigate](pageReference: unknown) {
        mockNavigate(pageReference);
      }
    };
  NavigationMixin.Navigate = Navigate;
  return { NavigationMixin };
});

const mockGetAgent = jest.mocked(getAgent);
const mockGetPop = jest.mocked(getPop);
const mockSearch = jest.mocked(searchRecords);
const mockSetAutoOpen = jest.mocked(setAutoOpen);
const mockSubscribe = jest.mocked(subscribe);

const ME = '66ab605ddac0af208d5f0dab';
const WO = 'a01000000000001AAA';

function flush(times = 6): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < times; i++) chain = chain.then(() => undefined);
  return chain;
}

async function mount(): Promise<HTMLElement> {
  const element = createElement('c-rinkel-screen-pop', { is: RinkelScreenPop });
  document.body.appendChild(element);
  await flush();
  return element;
}

function emit(payload: Record<string, unknown>): Promise<void> {
  const handler = mockSubscribe.mock.calls.at(-1)?.[2] as (m: EmpMessage) => void;
  handler({ channel: CHANNEL, data: { payload } });
  return flush();
}

const $ = (element: HTMLElement, selector: string) =>
  element.shadowRoot!.querySelector<HTMLElement>(selector);
const $$ = (element: HTMLElement, selector: string) =>
  Array.from(element.shadowRoot!.querySelectorAll<HTMLElement>(selector));
/** The record buttons of the lists (c-rinkel-record-list) that match `list`. */
const recordButtons = (element: HTMLElement, list = 'c-rinkel-record-list') =>
  $$(element, list).flatMap((host) =>
    Array.from(host.shadowRoot!.querySelectorAll<HTMLElement>('button.record-open'))
  );
const text = (node: Element | null | undefined) =>
  (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

beforeEach(() => {
  jest.clearAllMocks();
  mockGetAgent.mockResolvedValue({ rinkelUserId: ME.toUpperCase(), autoOpen: false });
});

afterEach(() => {
  while (document.body.firstChild) {
    document.body.removeChild(document.body.firstChild);
  }
  jest.useRealTimers();
});

describe('c-rinkel-screen-pop', () => {
  it('shows a spinner, then waits for calls on the screen-pop channel', async () => {
    let answer: (value: unknown) => void = () => undefined;
    mockGetAgent.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const element = createElement('c-rinkel-screen-pop', { is: RinkelScreenPop });
    document.body.appendChild(element);
    await flush();
    expect($(element, 'lightning-spinner')).not.toBeNull();
    answer({ rinkelUserId: ME });
    await flush();
    expect($(element, 'lightning-spinner')).toBeNull();
    expect(text($(element, '.pop-waiting'))).toBe('c.Rinkel_Pop_Waiting');
    expect(mockSubscribe).toHaveBeenCalledWith(CHANNEL, -1, expect.any(Function));
  });

  it('asks for a call only when it rings for this agent, then shows the caller and records', async () => {
    const element = await mount();
    await emit({ Call_Id__c: 'call-1', Rinkel_User_Ids__c: 'someone;else' });
    expect(mockGetPop).not.toHaveBeenCalled();

    mockGetPop.mockResolvedValueOnce({
      callId: 'call-1',
      eventName: 'incomingCall',
      callerNumber: '+31612345678',
      matches: [
        { recordId: WO, name: 'WO-1001' },
        { recordId: 'a01000000000002AAA', name: 'WO-1002' }
      ]
    });
    await emit({ Call_Id__c: 'call-1', Rinkel_User_Ids__c: `x;${ME}` });

    expect(mockGetPop).toHaveBeenCalledWith({ callId: 'call-1' });
    expect(text($(element, '.pop-headline'))).toBe('c.Rinkel_Pop_Incoming');
    expect(recordButtons(element).map(text)).toEqual(['WO-1001', 'WO-1002']);
    expect(mockUtility.open).toHaveBeenCalledWith('utility-1');
    expect(mockUtility.highlight).toHaveBeenCalledWith('utility-1', true);
    expect(mockNavigate).not.toHaveBeenCalled();

    recordButtons(element)[0]!.click();
    expect(mockNavigate).toHaveBeenCalledWith({
      type: 'standard__recordPage',
      attributes: { recordId: WO, actionName: 'view' }
    });

    ($(element, 'lightning-button.pop-dismiss') as HTMLElement).click();
    await flush();
    expect(text($(element, '.pop-waiting'))).toBe('c.Rinkel_Pop_Waiting');
  });

  it('opens the one matching record by itself when the agent chose so, once per call', async () => {
    mockGetAgent.mockResolvedValue({ rinkelUserId: ME, autoOpen: true });
    const pop = {
      callId: 'call-2',
      eventName: 'incomingCall',
      callerNumber: '+31612345678',
      matches: [{ recordId: WO, name: 'WO-1001' }]
    };
    mockGetPop.mockResolvedValueOnce(pop).mockResolvedValueOnce({ ...pop, eventName: 'callStart' });
    const element = await mount();
    await emit({ Call_Id__c: 'call-2', Rinkel_User_Ids__c: ME });
    expect(mockNavigate).toHaveBeenCalledTimes(1);
    // callStart for the same call: the headline changes, the record is not opened again.
    await emit({ Call_Id__c: 'call-2', Rinkel_User_Ids__c: ME });
    expect(text($(element, '.pop-headline'))).toBe('c.Rinkel_Pop_Answered');
    expect(mockNavigate).toHaveBeenCalledTimes(1);
  });

  it('says "no match" for an unknown caller and searches as the agent types', async () => {
    jest.useFakeTimers();
    mockGetPop.mockResolvedValueOnce({
      callId: 'call-3',
      callerNumber: '+31687654321',
      matches: []
    });
    mockSearch.mockResolvedValueOnce([{ recordId: WO, name: 'WO-7' }]).mockResolvedValueOnce([]);
    const element = await mount();
    await emit({ Call_Id__c: 'call-3', Rinkel_User_Ids__c: ME });
    expect(text($(element, '.pop-no-match'))).toBe('c.Rinkel_Pop_No_Match');
    const search = $(element, 'lightning-input.pop-search') as HTMLElement & { value?: string };
    expect(search.value).toBe('+31687654321');

    search.dispatchEvent(new CustomEvent('change', { detail: { value: 'WO' } }));
    jest.advanceTimersByTime(SEARCH_DELAY_MS);
    await flush();
    expect(mockSearch).toHaveBeenCalledWith({ term: 'WO' });
    expect(recordButtons(element, '.pop-results').map(text)).toEqual(['WO-7']);

    search.dispatchEvent(new CustomEvent('change', { detail: { value: 'nobody' } }));
    jest.advanceTimersByTime(SEARCH_DELAY_MS);
    await flush();
    expect(text($(element, '.pop-search-empty'))).toBe('c.Rinkel_Pop_Search_Empty');
  });

  it('names a hidden caller as such', async () => {
    mockGetPop.mockResolvedValueOnce({
      callId: 'call-4',
      anonymous: true,
      callerNumber: null,
      matches: []
    });
    const element = await mount();
    await emit({ Call_Id__c: 'call-4', Rinkel_User_Ids__c: ME });
    expect(text($(element, '.pop-headline'))).toBe('c.Rinkel_Pop_Incoming');
    expect(text($(element, '.pop-no-match'))).toBe('c.Rinkel_Pop_No_Match');
  });

  it('keeps the per-user setting and restores it when saving fails', async () => {
    const element = await mount();
    const toggle = $(element, 'lightning-input.pop-auto-open') as HTMLElement & {
      checked?: boolean;
    };
    toggle.dispatchEvent(new CustomEvent('change', { detail: { checked: true } }));
    await flush();
    expect(mockSetAutoOpen).toHaveBeenCalledWith({ autoOpen: true });
    expect(toggle.checked).toBe(true);

    mockSetAutoOpen.mockRejectedValueOnce(new Error('offline'));
    toggle.dispatchEvent(new CustomEvent('change', { detail: { checked: false } }));
    await flush();
    expect(toggle.checked).toBe(true);
  });

  it('tells an agent without a Rinkel user who can fix it, and shows failures', async () => {
    mockGetAgent.mockResolvedValueOnce({ rinkelUserId: null });
    const noUser = await mount();
    expect(text($(noUser, '.pop-no-user'))).toBe('c.Rinkel_Pop_No_Rinkel_User');
    expect(mockSubscribe).not.toHaveBeenCalled();

    mockGetAgent.mockRejectedValueOnce({
      body: { message: 'No access to RinkelScreenPopController' }
    });
    const failing = await mount();
    expect(text($(failing, '.pop-error'))).toBe('No access to RinkelScreenPopController');
    expect($(failing, '.pop-error')!.getAttribute('role')).toBe('alert');
  });

  it('unsubscribes when it leaves the page', async () => {
    mockSubscribe.mockResolvedValueOnce({ channel: CHANNEL, id: 's1' });
    const element = await mount();
    document.body.removeChild(element);
    expect(jest.mocked(unsubscribe)).toHaveBeenCalledWith({ channel: CHANNEL, id: 's1' });
  });
});

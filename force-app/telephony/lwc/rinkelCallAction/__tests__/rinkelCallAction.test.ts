import { createElement } from 'lwc';
import RinkelCallAction from 'c/rinkelCallAction';
import dialRecord from '@salesforce/apex/RinkelDialController.dialRecord';

jest.mock('@salesforce/apex/RinkelDialController.dialRecord', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock(
  'lightning/actions',
  () => ({
    CloseActionScreenEvent: class extends CustomEvent<unknown> {
      constructor() {
        super('close');
      }
    }
  }),
  { virtual: true }
);

const mockDial = jest.mocked(dialRecord);
const RECORD_ID = 'a01000000000001AAA';

type ActionElement = HTMLElement & { recordId?: string };

function mount(): ActionElement {
  const element = createElement('c-rinkel-call-action', { is: RinkelCallAction }) as ActionElement;
  document.body.appendChild(element);
  return element;
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const text = (element: HTMLElement, selector: string) =>
  element.shadowRoot?.querySelector(selector)?.textContent?.trim() ?? null;

describe('c-rinkel-call-action', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.resetAllMocks();
  });

  it('dials the record once when the action opens and says Rinkel is ringing the agent', async () => {
    let answer: (value: unknown) => void = () => undefined;
    mockDial.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const element = mount();
    element.recordId = RECORD_ID;
    await flush();

    expect(mockDial).toHaveBeenCalledWith({ recordId: RECORD_ID });
    expect(text(element, '.call-action-calling')).toBe('c.Rinkel_Dial_Calling');
    expect(element.shadowRoot?.querySelector('lightning-spinner')).not.toBeNull();

    answer({ placed: true, message: 'Rinkel is calling your phone.' });
    await flush();
    expect(text(element, '.call-action-placed')).toBe('Rinkel is calling your phone.');
    expect(element.shadowRoot?.querySelector('.call-action-placed')?.getAttribute('role')).toBe(
      'status'
    );
    expect(
      (
        element.shadowRoot?.querySelector('.call-action-placed lightning-icon') as
          (HTMLElement & { iconName?: string }) | null
      )?.iconName
    ).toBe('utility:call');
    expect(element.shadowRoot?.querySelector('.call-action-error')).toBeNull();
    expect(element.shadowRoot?.querySelector('lightning-spinner')).toBeNull();

    // The record id set again (a re-render of the action) never dials a second time.
    element.recordId = RECORD_ID;
    await flush();
    expect(mockDial).toHaveBeenCalledTimes(1);
  });

  it("shows Rinkel's refusal as an alert, without dialling again", async () => {
    mockDial.mockResolvedValue({ placed: false, message: 'Your user is not linked to Rinkel.' });
    const element = mount();
    element.recordId = RECORD_ID;
    await flush();

    const alert = element.shadowRoot?.querySelector('.call-action-error');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent?.trim()).toBe('Your user is not linked to Rinkel.');
    expect(
      (alert?.querySelector('lightning-icon') as (HTMLElement & { iconName?: string }) | null)
        ?.iconName
    ).toBe('utility:error');
    expect(element.shadowRoot?.querySelector('.call-action-placed')).toBeNull();
    expect(mockDial).toHaveBeenCalledTimes(1);
  });

  it('turns a server error into its message, or a plain sentence', async () => {
    mockDial.mockRejectedValueOnce({ body: { message: 'Insufficient access' } });
    const first = mount();
    first.recordId = RECORD_ID;
    await flush();
    expect(text(first, '.call-action-error')).toBe('Insufficient access');

    mockDial.mockRejectedValueOnce(new Error('network'));
    const second = mount();
    second.recordId = RECORD_ID;
    await flush();
    expect(text(second as HTMLElement, '.call-action-error')).toBe('c.Rinkel_Dial_Failed');
  });

  it('waits for a record id and closes the action on Close', async () => {
    const element = mount();
    await flush();
    expect(mockDial).not.toHaveBeenCalled();

    const closed = jest.fn();
    element.addEventListener('close', closed);
    (element.shadowRoot?.querySelector('lightning-button') as HTMLElement).click();
    expect(closed).toHaveBeenCalledTimes(1);
  });
});

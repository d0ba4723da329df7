import { createElement } from 'lwc';
import RinkelOperations, { errorMessage, type Health } from '../rinkelOperations';
import getHealth from '@salesforce/apex/RinkelOperationsController.getHealth';
import retryFailed from '@salesforce/apex/RinkelOperationsController.retryFailed';

jest.mock('@salesforce/apex/RinkelOperationsController.getHealth', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock(
  '@salesforce/apex/RinkelOperationsController.retryFailed',
  () => ({ default: jest.fn() }),
  { virtual: true }
);

const mockGetHealth = jest.mocked(getHealth);
const mockRetryFailed = jest.mocked(retryFailed);

// sfdx-lwc-jest turns every label import into its name, e.g. "c.Rinkel_Ops_Never".
const label = (name: string) => `c.Rinkel_Ops_${name}`;

const HEALTHY: Health = {
  lastEventReceivedAt: '2026-11-23T14:02:11.000Z',
  receivedLast24h: 2,
  processedLast24h: 418,
  failedLast24h: 1,
  retryingLast24h: 0,
  failedTotal: 3,
  reconcileCheckpoint: '2026-11-23T13:55:00.000Z',
  reconcileLastRunAt: '2026-11-23T14:07:31.000Z',
  reconcileLastRepairCount: 4,
  reconcileLastError: null,
  scheduledJobs: [
    { name: 'Rinkel reconciliation' },
    { name: 'Rinkel audit retention' },
    { name: 'Rinkel contact sync' }
  ]
};

function flush(times = 5): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < times; i++) {
    chain = chain.then(() => undefined);
  }
  return chain;
}

function mount(): HTMLElement {
  const element = createElement('c-rinkel-operations', { is: RinkelOperations });
  document.body.appendChild(element);
  return element;
}

function $(element: HTMLElement, selector: string): HTMLElement | null {
  return element.shadowRoot!.querySelector<HTMLElement>(selector);
}

function text(element: HTMLElement, selector: string): string {
  return ($(element, selector)?.textContent ?? '').trim();
}

afterEach(() => {
  while (document.body.firstChild) {
    document.body.removeChild(document.body.firstChild);
  }
  jest.resetAllMocks();
});

describe('c-rinkel-operations', () => {
  it('shows the last webhook, the day’s counts and the reconciliation', async () => {
    mockGetHealth.mockResolvedValue(HEALTHY);

    const element = mount();
    await flush();

    expect(text(element, '.last-event')).toContain('2026');
    expect(text(element, '.processed')).toBe('418');
    expect(text(element, '.failed')).toBe('1');
    expect(text(element, '.waiting')).toBe('2');
    expect(text(element, '.failed-total')).toBe('3');
    expect($(element, '.failed-total')?.className).toContain('slds-text-color_error');
    expect(text(element, '.last-repairs')).toBe('4');
    expect($(element, '.last-error')).toBeNull();
    expect($(element, '.not-scheduled')).toBeNull();
    expect(($(element, '.retry') as HTMLElement & { disabled: boolean }).disabled).toBe(false);
  });

  it('says when nothing arrived yet and the jobs are not scheduled', async () => {
    mockGetHealth.mockResolvedValue({ failedTotal: 0, scheduledJobs: [] });

    const element = mount();
    await flush();

    expect(text(element, '.last-event')).toBe(label('Never'));
    expect(text(element, '.checkpoint')).toBe(label('Never'));
    expect(text(element, '.not-scheduled')).toBe(label('Not_Scheduled'));
    expect(($(element, '.retry') as HTMLElement & { disabled: boolean }).disabled).toBe(true);
  });

  it('shows the reconciliation error', async () => {
    mockGetHealth.mockResolvedValue({ ...HEALTHY, reconcileLastError: 'Rinkel API 401' });

    const element = mount();
    await flush();

    expect(text(element, '.last-error')).toBe('Rinkel API 401');
  });

  it('retries every failed event, says how many and reloads', async () => {
    mockGetHealth
      .mockResolvedValueOnce(HEALTHY)
      .mockResolvedValueOnce({ ...HEALTHY, failedTotal: 0, retryingLast24h: 3 });
    mockRetryFailed.mockResolvedValue({ selected: 3, retried: 3, errors: [] });
    const element = mount();
    await flush();

    $(element, '.retry')?.click();
    await flush(8);

    expect(mockRetryFailed).toHaveBeenCalledTimes(1);
    expect(mockGetHealth).toHaveBeenCalledTimes(2);
    expect(text(element, '.message')).toBe(label('Retry_Result'));
    expect(text(element, '.retrying')).toBe('3');
    expect(($(element, '.retry') as HTMLElement & { disabled: boolean }).disabled).toBe(true);
  });

  it('says so when there was nothing to retry', async () => {
    mockGetHealth.mockResolvedValue(HEALTHY);
    mockRetryFailed.mockResolvedValue({ selected: 0, retried: 0, errors: [] });
    const element = mount();
    await flush();

    $(element, '.retry')?.click();
    await flush(8);

    expect(text(element, '.message')).toBe(label('Retry_None'));
  });

  it('shows why the health could not be loaded and loads again on refresh', async () => {
    mockGetHealth
      .mockRejectedValueOnce({
        body: { message: 'You need the Rinkel Operations permission set.' }
      })
      .mockResolvedValueOnce(HEALTHY);
    const element = mount();
    await flush();

    expect(text(element, '.error')).toBe(label('Load_Error'));
    expect($(element, '.processed')).toBeNull();

    $(element, '.refresh')?.click();
    await flush();

    expect($(element, '.error')).toBeNull();
    expect(text(element, '.processed')).toBe('418');
  });
});

describe('errorMessage', () => {
  it('reads Apex errors, plain errors and anything else', () => {
    expect(errorMessage({ body: { message: 'denied' } })).toBe('denied');
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('text')).toBe('text');
  });
});

// Shared set-up of the timeline's jest suites (callTimeline.test.ts, callBack.test.ts): the Apex
// the timeline calls as jest mocks, and mounting the component on a record. A suite imports the
// mocks from here instead of the Apex modules, so the stubs are in place before the component
// loads them.
import { createElement } from 'lwc';
import CallTimeline from 'c/callTimeline';
import getCalls from '@salesforce/apex/CallTimelineController.getCalls';
import getCall from '@salesforce/apex/CallTimelineController.getCall';
import requestLink from '@salesforce/apex/CallTimelineController.requestLink';
import getStreamUrl from '@salesforce/apex/CallRecordingController.getStreamUrl';
import dialCall from '@salesforce/apex/RinkelDialController.dialCall';
import { RECORD_ID } from './fixtures';

jest.mock('@salesforce/apex/CallTimelineController.getCalls', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/CallTimelineController.getCall', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/CallTimelineController.requestLink', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/CallRecordingController.getStreamUrl', () => ({ default: jest.fn() }), {
  virtual: true
});
jest.mock('@salesforce/apex/RinkelDialController.dialCall', () => ({ default: jest.fn() }), {
  virtual: true
});

export const mockGetCalls = jest.mocked(getCalls);
export const mockGetCall = jest.mocked(getCall);
export const mockRequestLink = jest.mocked(requestLink);
export const mockGetStreamUrl = jest.mocked(getStreamUrl);
export const mockDialCall = jest.mocked(dialCall);

/** Every Apex mock back to "no answer configured". */
export function resetApexMocks(): void {
  for (const mock of [mockGetCalls, mockGetCall, mockRequestLink, mockGetStreamUrl, mockDialCall]) {
    mock.mockReset();
  }
}

export type TimelineElement = HTMLElement & { recordId?: string; pageSize?: number };

/** Lets pending promises (Apex mocks) settle and the component re-render. */
export function flush(times = 4): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < times; i++) {
    chain = chain.then(() => undefined);
  }
  return chain;
}

/** The timeline on a record page (`recordId` null: placed where there is no record). */
export function mount(
  recordId: string | null = RECORD_ID,
  settings: { pageSize?: number } = {}
): TimelineElement {
  const element = createElement('c-call-timeline', { is: CallTimeline }) as TimelineElement;
  if (recordId !== null) {
    element.recordId = recordId;
  }
  if (settings.pageSize !== undefined) {
    element.pageSize = settings.pageSize;
  }
  document.body.appendChild(element);
  return element;
}

/** Removes every mounted component. */
export function unmountAll(): void {
  while (document.body.firstChild) {
    document.body.removeChild(document.body.firstChild);
  }
}

export function $(element: HTMLElement, selector: string): HTMLElement | null {
  return element.shadowRoot!.querySelector<HTMLElement>(selector);
}

export function $$(element: HTMLElement, selector: string): HTMLElement[] {
  return Array.from(element.shadowRoot!.querySelectorAll<HTMLElement>(selector));
}

export function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

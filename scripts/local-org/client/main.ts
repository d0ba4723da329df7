// Entry of the local org's pages. Lightning Experience renders components with synthetic shadow,
// so global SLDS styles reach inside them; load it before the engine, as the platform does.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import CallTimeline from 'c/callTimeline';
import RinkelCallAction from 'c/rinkelCallAction';
import RinkelOperations from 'c/rinkelOperations';
import RinkelScreenPop from 'c/rinkelScreenPop';
import { refreshAll } from './refresh';

const state = window.__LOCAL__;

function mount(hostId: string, element: HTMLElement): void {
  document.getElementById(hostId)?.appendChild(element);
}

// The utility bar's Rinkel Calls item: on every page, as in a console app.
mount('utility', createElement('c-rinkel-screen-pop', { is: RinkelScreenPop }));

if (state.page === 'weborder') {
  const timeline = createElement('c-call-timeline', { is: CallTimeline }) as HTMLElement & {
    recordId?: string;
  };
  timeline.recordId = state.recordId;
  mount('timeline', timeline);

  // The Call quick action: Lightning opens it in a modal and sets the record id, which dials;
  // the action's own Close (CloseActionScreenEvent) or Escape closes it.
  const dialog = document.getElementById('call-dialog') as HTMLDialogElement | null;
  document.getElementById('call-button')?.addEventListener('click', () => {
    const body = document.getElementById('call-dialog-body');
    if (!dialog || !body) return;
    body.replaceChildren();
    const action = createElement('c-rinkel-call-action', {
      is: RinkelCallAction
    }) as HTMLElement & {
      recordId?: string;
    };
    action.addEventListener('closeaction', () => dialog.close());
    body.appendChild(action);
    dialog.showModal();
    action.recordId = state.recordId;
  });
  document.getElementById('refresh-button')?.addEventListener('click', () => refreshAll());

  // "Simulate a call": the control endpoint makes the fake Rinkel post callEnd and callInsights.
  const form = document.getElementById('simulate') as HTMLFormElement | null;
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const field = (name: string, fallback: string): string => {
      const value = data.get(name);
      return typeof value === 'string' && value ? value : fallback;
    };
    const output = document.getElementById('simulate-result');
    const status = field('status', 'ANSWERED');
    void fetch('/local/calls', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        number: field('number', ''),
        direction: field('direction', 'inbound'),
        status,
        duration: status === 'ANSWERED' ? Number(field('duration', '60')) : 0
      })
    })
      .then(async (response) => {
        const answer = (await response.json()) as { callId?: string; error?: string };
        if (output)
          output.textContent = answer.callId ? `✓ ${answer.callId}` : String(answer.error);
      })
      .catch((error: unknown) => {
        if (output) output.textContent = String(error);
      });
  });
}

if (state.page === 'operations') {
  mount('operations', createElement('c-rinkel-operations', { is: RinkelOperations }));
}

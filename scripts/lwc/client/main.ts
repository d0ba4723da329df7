/* eslint-disable @lwc/lwc/no-async-operation, @lwc/lwc/no-document-query -- page bootstrap and frame timing of the preview, not component code */
// Preview page entry: Lightning Experience renders components with synthetic shadow, so global
// SLDS styles reach inside them; load it before the engine, as the platform does.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import CallTimeline from 'c/callTimeline';
import RinkelCallAction from 'c/rinkelCallAction';
import RinkelScreenPop from 'c/rinkelScreenPop';

const state = window.__RINKEL__;
state.emit = (payload) => {
  const message = {
    channel: '/event/Rinkel_Call_Update__e',
    data: { event: { replayId: 1 }, payload }
  };
  for (const handler of state.empHandlers) {
    handler(message);
  }
};

// ?action=call: the Call quick action as Lightning Experience shows it, in a modal's body.
// ?action=pop: the screen pop as the utility bar shows it.
const isAction = state.action !== null;
const element = (
  state.action === 'call'
    ? createElement('c-rinkel-call-action', { is: RinkelCallAction })
    : state.action === 'pop'
      ? createElement('c-rinkel-screen-pop', { is: RinkelScreenPop })
      : createElement('c-call-timeline', { is: CallTimeline })
) as HTMLElement & {
  recordId?: string;
  pageSize?: number;
};
// ?record=none: placed where there is no record (App Builder, a home page).
if (state.recordId && state.action !== 'pop') {
  element.recordId = state.recordId;
}
if (state.pageSize && !isAction) {
  element.pageSize = state.pageSize;
}

// Time to first render: from mounting until the first call (or the empty state) is on screen.
state.mountedAt = performance.now();
state.firstRenderMs = null;
const watch = () => {
  const root = element.shadowRoot;
  if (
    root?.querySelector(
      'li.call, .state_empty, .state_error, .call-action-state, .pop-waiting, .pop-no-user, .pop-error'
    )
  ) {
    state.firstRenderMs = performance.now() - state.mountedAt;
    return;
  }
  requestAnimationFrame(watch);
};
document.getElementById('timeline')?.appendChild(element);
requestAnimationFrame(watch);

// lightning/actions outside Lightning Experience: closing the action is recorded for the tests.
export class CloseActionScreenEvent extends CustomEvent<unknown> {
  constructor() {
    super('closeaction', { bubbles: true, composed: true });
    window.__RINKEL__.actionClosed = true;
  }
}

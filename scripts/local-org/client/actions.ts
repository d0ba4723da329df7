// lightning/actions on the local org: closing the Call action closes its dialog on the page.
export class CloseActionScreenEvent extends CustomEvent<unknown> {
  constructor() {
    super('closeaction', { bubbles: true, composed: true });
  }
}

// Compiled from rinkelCallAction.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
// The Call action on a record page (a screen quick action): opening it is the click that dials.
// Rinkel rings the agent's own phone first, then the record's number; the call's Task is linked
// to this record when it ends. The component never dials twice by itself: a second dial costs
// call minutes and may ring the customer twice, so another attempt is the agent's next click.
import { LightningElement, api } from 'lwc';
import { CloseActionScreenEvent } from 'lightning/actions';
import dialRecord from '@salesforce/apex/RinkelDialController.dialRecord';
import TITLE from '@salesforce/label/c.Rinkel_Dial_Action_Title';
import CALLING from '@salesforce/label/c.Rinkel_Dial_Calling';
import FAILED from '@salesforce/label/c.Rinkel_Dial_Failed';
import CLOSE from '@salesforce/label/c.Rinkel_Dial_Close';

/** RinkelDialer.Result: a refused dial is an answer to show, not an exception. */

function messageOf(error) {
  const body = error?.body;
  return typeof body?.message === 'string' ? body.message : '';
}
export default class RinkelCallAction extends LightningElement {
  labels = {
    title: TITLE,
    calling: CALLING,
    close: CLOSE
  };
  state = 'idle';
  message = '';
  currentRecordId;

  /** Quick actions set the record id after the component is created: it starts the dial. */
  @api
  get recordId() {
    return this.currentRecordId;
  }
  set recordId(value) {
    this.currentRecordId = value;
    if (value && this.state === 'idle') {
      void this.dial(value);
    }
  }
  get calling() {
    return this.state === 'calling';
  }

  /** Rinkel answered the dial: placed (status) or refused (alert), one block for both. */
  get answered() {
    return this.state === 'placed' || this.state === 'refused';
  }
  get resultClass() {
    return this.state === 'placed' ? 'call-action-state call-action-placed' : 'call-action-state call-action-error slds-theme_error';
  }

  /** A refusal interrupts (alert); a placed call is news the agent waits for (status). */
  get resultRole() {
    return this.state === 'placed' ? 'status' : 'alert';
  }
  get resultIcon() {
    return this.state === 'placed' ? 'utility:call' : 'utility:error';
  }
  get resultIconVariant() {
    return this.state === 'placed' ? undefined : 'inverse';
  }
  async dial(recordId) {
    this.state = 'calling';
    this.message = '';
    try {
      const result = await dialRecord({
        recordId
      });
      this.message = result?.message || (result?.placed ? '' : FAILED);
      this.state = result?.placed === true ? 'placed' : 'refused';
    } catch (error) {
      this.message = messageOf(error) || FAILED;
      this.state = 'refused';
    }
  }
  handleClose() {
    this.dispatchEvent(new CloseActionScreenEvent());
  }
}

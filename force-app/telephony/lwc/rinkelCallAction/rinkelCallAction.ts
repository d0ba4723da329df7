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
interface DialResult {
  placed?: boolean;
  message?: string;
}

type State = 'idle' | 'calling' | 'placed' | 'refused';

function messageOf(error: unknown): string {
  const body = (error as { body?: { message?: unknown } } | null)?.body;
  return typeof body?.message === 'string' ? body.message : '';
}

export default class RinkelCallAction extends LightningElement {
  labels = { title: TITLE, calling: CALLING, close: CLOSE };
  state: State = 'idle';
  message = '';

  private currentRecordId?: string;

  /** Quick actions set the record id after the component is created: it starts the dial. */
  @api
  get recordId(): string | undefined {
    return this.currentRecordId;
  }
  set recordId(value: string | undefined) {
    this.currentRecordId = value;
    if (value && this.state === 'idle') {
      void this.dial(value);
    }
  }

  get calling(): boolean {
    return this.state === 'calling';
  }

  /** Rinkel answered the dial: placed (status) or refused (alert), one block for both. */
  get answered(): boolean {
    return this.state === 'placed' || this.state === 'refused';
  }

  get resultClass(): string {
    return this.state === 'placed'
      ? 'call-action-state call-action-placed'
      : 'call-action-state call-action-error slds-theme_error';
  }

  /** A refusal interrupts (alert); a placed call is news the agent waits for (status). */
  get resultRole(): string {
    return this.state === 'placed' ? 'status' : 'alert';
  }

  get resultIcon(): string {
    return this.state === 'placed' ? 'utility:call' : 'utility:error';
  }

  get resultIconVariant(): string | undefined {
    return this.state === 'placed' ? undefined : 'inverse';
  }

  private async dial(recordId: string): Promise<void> {
    this.state = 'calling';
    this.message = '';
    try {
      const result = (await dialRecord({ recordId })) as DialResult | null;
      this.message = result?.message || (result?.placed ? '' : FAILED);
      this.state = result?.placed === true ? 'placed' : 'refused';
    } catch (error: unknown) {
      this.message = messageOf(error) || FAILED;
      this.state = 'refused';
    }
  }

  handleClose(): void {
    this.dispatchEvent(new CloseActionScreenEvent());
  }
}

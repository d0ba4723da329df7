// The screen pop in the utility bar. Rinkel_Screen_Pop__e names only the call and the Rinkel users
// it rings for (event fields reach every subscriber), so the component asks Apex for the caller
// only when the call rings for this agent, and Apex checks that again before it answers.
import { LightningElement } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import { subscribe, unsubscribe, onError, type EmpSubscription } from 'lightning/empApi';
import {
  getEnclosingUtilityId,
  open as openUtility,
  setUtilityHighlighted
} from 'lightning/platformUtilityBarApi';
import getAgent from '@salesforce/apex/RinkelScreenPopController.getAgent';
import getPop from '@salesforce/apex/RinkelScreenPopController.getPop';
import searchRecords from '@salesforce/apex/RinkelScreenPopController.searchRecords';
import setAutoOpen from '@salesforce/apex/RinkelScreenPopController.setAutoOpen';
import TITLE from '@salesforce/label/c.Rinkel_Pop_Title';
import LOADING from '@salesforce/label/c.Rinkel_Pop_Loading';
import WAITING from '@salesforce/label/c.Rinkel_Pop_Waiting';
import INCOMING from '@salesforce/label/c.Rinkel_Pop_Incoming';
import ANSWERED from '@salesforce/label/c.Rinkel_Pop_Answered';
import HIDDEN_NUMBER from '@salesforce/label/c.Rinkel_Pop_Hidden_Number';
import MATCHES from '@salesforce/label/c.Rinkel_Pop_Matches';
import NO_MATCH from '@salesforce/label/c.Rinkel_Pop_No_Match';
import SEARCH_LABEL from '@salesforce/label/c.Rinkel_Pop_Search_Label';
import SEARCH_EMPTY from '@salesforce/label/c.Rinkel_Pop_Search_Empty';
import SEARCH_RESULTS from '@salesforce/label/c.Rinkel_Pop_Search_Results';
import AUTO_OPEN from '@salesforce/label/c.Rinkel_Pop_Auto_Open';
import NO_RINKEL_USER from '@salesforce/label/c.Rinkel_Pop_No_Rinkel_User';
import ERROR from '@salesforce/label/c.Rinkel_Pop_Error';
import DISMISS from '@salesforce/label/c.Rinkel_Pop_Dismiss';

export const CHANNEL = '/event/Rinkel_Screen_Pop__e';
/** Search waits for the agent to stop typing. */
export const SEARCH_DELAY_MS = 300;

interface Agent {
  rinkelUserId?: string | null;
  autoOpen?: boolean;
}

interface Match {
  recordId: string;
  name?: string | null;
}

interface Pop {
  callId: string;
  eventName?: string;
  callerNumber?: string | null;
  anonymous?: boolean;
  matches?: Match[];
}

interface PopEvent {
  Call_Id__c?: string;
  Rinkel_User_Ids__c?: string;
  Event_Name__c?: string;
}

type State = 'loading' | 'noUser' | 'error' | 'ready';

function messageOf(error: unknown): string {
  const body = (error as { body?: { message?: unknown } } | null)?.body;
  return typeof body?.message === 'string' ? body.message : '';
}

export default class RinkelScreenPop extends NavigationMixin(LightningElement) {
  labels = {
    title: TITLE,
    loading: LOADING,
    waiting: WAITING,
    matches: MATCHES,
    noMatch: NO_MATCH,
    searchLabel: SEARCH_LABEL,
    searchEmpty: SEARCH_EMPTY,
    searchResults: SEARCH_RESULTS,
    autoOpen: AUTO_OPEN,
    noRinkelUser: NO_RINKEL_USER,
    dismiss: DISMISS
  };

  state: State = 'loading';
  errorText = '';
  autoOpen = false;
  pop: Pop | null = null;
  searchTerm = '';
  searchResults: Match[] | null = null;

  private rinkelUserId = '';
  private subscription: EmpSubscription | null = null;
  private opened = new Set<string>();
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  private disconnected = false;

  connectedCallback(): void {
    this.disconnected = false;
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      const agent = (await getAgent()) as Agent | null;
      this.rinkelUserId = (agent?.rinkelUserId ?? '').toLowerCase();
      this.autoOpen = agent?.autoOpen === true;
      if (!this.rinkelUserId) {
        this.state = 'noUser';
        return;
      }
      onError(() => {
        this.fail(ERROR);
      });
      const subscription = await subscribe<PopEvent>(CHANNEL, -1, (message) => {
        void this.handleEvent(message.data.payload);
      });
      if (this.disconnected) {
        void unsubscribe(subscription);
        return;
      }
      this.subscription = subscription;
      this.state = 'ready';
    } catch (error: unknown) {
      this.fail(messageOf(error) || ERROR);
    }
  }

  disconnectedCallback(): void {
    this.disconnected = true;
    if (this.subscription) {
      void unsubscribe(this.subscription);
      this.subscription = null;
    }
    if (this.searchTimer) {
      clearTimeout(this.searchTimer);
    }
  }

  get loading(): boolean {
    return this.state === 'loading';
  }
  get noUser(): boolean {
    return this.state === 'noUser';
  }
  get failed(): boolean {
    return this.state === 'error';
  }
  get waiting(): boolean {
    return this.state === 'ready' && this.pop === null;
  }
  /** The per-user setting shows once the agent can receive pops. */
  get showSetting(): boolean {
    return this.state === 'ready';
  }

  get showPop(): boolean {
    return this.state === 'ready' && this.pop !== null;
  }

  get headline(): string {
    const pop = this.pop;
    if (!pop) {
      return '';
    }
    const who = pop.anonymous || !pop.callerNumber ? HIDDEN_NUMBER : pop.callerNumber;
    return (pop.eventName === 'callStart' ? ANSWERED : INCOMING).replace('{0}', who);
  }

  get matches(): Match[] {
    return this.pop?.matches ?? [];
  }

  get hasMatches(): boolean {
    return this.matches.length > 0;
  }

  get hasSearchResults(): boolean {
    return (this.searchResults ?? []).length > 0;
  }

  get searchedWithoutResult(): boolean {
    return this.searchResults !== null && this.searchResults.length === 0;
  }

  private fail(text: string): void {
    this.errorText = text;
    this.state = 'error';
  }

  /** A pop for someone else is not even asked for; Apex checks again anyway. */
  async handleEvent(payload: PopEvent): Promise<void> {
    const callId = payload.Call_Id__c;
    const ringing = (payload.Rinkel_User_Ids__c ?? '')
      .split(';')
      .map((id) => id.trim().toLowerCase());
    if (!callId || !ringing.includes(this.rinkelUserId)) {
      return;
    }
    let pop: Pop | null;
    try {
      pop = (await getPop({ callId })) as Pop | null;
    } catch {
      return;
    }
    if (!pop) {
      return;
    }
    const samecall = this.pop?.callId === pop.callId;
    this.pop = pop;
    if (!samecall) {
      this.searchTerm = pop.callerNumber ?? '';
      this.searchResults = null;
      void this.bringUtilityForward();
    }
    const only = pop.matches?.length === 1 ? pop.matches[0] : undefined;
    if (this.autoOpen && only && !this.opened.has(pop.callId)) {
      this.opened.add(pop.callId);
      this.openRecord(only.recordId);
    }
  }

  /** Opens and highlights the utility item; outside a utility bar there is nothing to open. */
  private async bringUtilityForward(): Promise<void> {
    try {
      const utilityId = await getEnclosingUtilityId();
      if (utilityId) {
        await openUtility(utilityId);
        await setUtilityHighlighted(utilityId, true);
      }
    } catch {
      // App Builder preview, a record page: the component is already on screen.
    }
  }

  private openRecord(recordId: string): void {
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId, actionName: 'view' }
    });
  }

  /** From c-rinkel-record-list: the agent chose a match or a search result. */
  handleOpen(event: CustomEvent<{ recordId?: string }>): void {
    const recordId = event.detail?.recordId;
    if (recordId) {
      if (this.pop) {
        this.opened.add(this.pop.callId);
      }
      this.openRecord(recordId);
    }
  }

  handleDismiss(): void {
    this.pop = null;
    this.searchResults = null;
  }

  async handleAutoOpen(event: CustomEvent<{ checked: boolean }>): Promise<void> {
    const checked = event.detail.checked === true;
    const before = this.autoOpen;
    this.autoOpen = checked;
    try {
      await setAutoOpen({ autoOpen: checked });
    } catch {
      this.autoOpen = before;
    }
  }

  handleSearch(event: CustomEvent<{ value: string }>): void {
    this.searchTerm = event.detail.value ?? '';
    if (this.searchTimer) {
      clearTimeout(this.searchTimer);
    }
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- debounce: one query when typing stops
    this.searchTimer = setTimeout(() => {
      void this.runSearch(this.searchTerm);
    }, SEARCH_DELAY_MS);
  }

  private async runSearch(term: string): Promise<void> {
    if (term.trim().length < 2) {
      this.searchResults = null;
      return;
    }
    try {
      const results = (await searchRecords({ term })) as Match[] | null;
      if (term === this.searchTerm) {
        this.searchResults = results ?? [];
      }
    } catch {
      this.searchResults = [];
    }
  }
}

// Compiled from rinkelScreenPop.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
// The screen pop in the utility bar. Rinkel_Screen_Pop__e names only the call and the Rinkel users
// it rings for (event fields reach every subscriber), so the component asks Apex for the caller
// only when the call rings for this agent, and Apex checks that again before it answers.
import { LightningElement } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import { subscribe, unsubscribe, onError } from 'lightning/empApi';
import { getEnclosingUtilityId, open as openUtility, setUtilityHighlighted } from 'lightning/platformUtilityBarApi';
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
function messageOf(error) {
  const body = error?.body;
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
  state = 'loading';
  errorText = '';
  autoOpen = false;
  pop = null;
  searchTerm = '';
  searchResults = null;
  rinkelUserId = '';
  subscription = null;
  opened = new Set();
  searchTimer = null;
  disconnected = false;
  connectedCallback() {
    this.disconnected = false;
    void this.start();
  }
  async start() {
    try {
      const agent = await getAgent();
      this.rinkelUserId = (agent?.rinkelUserId ?? '').toLowerCase();
      this.autoOpen = agent?.autoOpen === true;
      if (!this.rinkelUserId) {
        this.state = 'noUser';
        return;
      }
      onError(() => {
        this.fail(ERROR);
      });
      const subscription = await subscribe(CHANNEL, -1, message => {
        void this.handleEvent(message.data.payload);
      });
      if (this.disconnected) {
        void unsubscribe(subscription);
        return;
      }
      this.subscription = subscription;
      this.state = 'ready';
    } catch (error) {
      this.fail(messageOf(error) || ERROR);
    }
  }
  disconnectedCallback() {
    this.disconnected = true;
    if (this.subscription) {
      void unsubscribe(this.subscription);
      this.subscription = null;
    }
    if (this.searchTimer) {
      clearTimeout(this.searchTimer);
    }
  }
  get loading() {
    return this.state === 'loading';
  }
  get noUser() {
    return this.state === 'noUser';
  }
  get failed() {
    return this.state === 'error';
  }
  get waiting() {
    return this.state === 'ready' && this.pop === null;
  }
  /** The per-user setting shows once the agent can receive pops. */
  get showSetting() {
    return this.state === 'ready';
  }
  get showPop() {
    return this.state === 'ready' && this.pop !== null;
  }
  get headline() {
    const pop = this.pop;
    if (!pop) {
      return '';
    }
    const who = pop.anonymous || !pop.callerNumber ? HIDDEN_NUMBER : pop.callerNumber;
    return (pop.eventName === 'callStart' ? ANSWERED : INCOMING).replace('{0}', who);
  }
  get matches() {
    return this.pop?.matches ?? [];
  }
  get hasMatches() {
    return this.matches.length > 0;
  }
  get hasSearchResults() {
    return (this.searchResults ?? []).length > 0;
  }
  get searchedWithoutResult() {
    return this.searchResults !== null && this.searchResults.length === 0;
  }
  fail(text) {
    this.errorText = text;
    this.state = 'error';
  }

  /** A pop for someone else is not even asked for; Apex checks again anyway. */
  async handleEvent(payload) {
    const callId = payload.Call_Id__c;
    const ringing = (payload.Rinkel_User_Ids__c ?? '').split(';').map(id => id.trim().toLowerCase());
    if (!callId || !ringing.includes(this.rinkelUserId)) {
      return;
    }
    let pop;
    try {
      pop = await getPop({
        callId
      });
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
  async bringUtilityForward() {
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
  openRecord(recordId) {
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: {
        recordId,
        actionName: 'view'
      }
    });
  }

  /** From c-rinkel-record-list: the agent chose a match or a search result. */
  handleOpen(event) {
    const recordId = event.detail?.recordId;
    if (recordId) {
      if (this.pop) {
        this.opened.add(this.pop.callId);
      }
      this.openRecord(recordId);
    }
  }
  handleDismiss() {
    this.pop = null;
    this.searchResults = null;
  }
  async handleAutoOpen(event) {
    const checked = event.detail.checked === true;
    const before = this.autoOpen;
    this.autoOpen = checked;
    try {
      await setAutoOpen({
        autoOpen: checked
      });
    } catch {
      this.autoOpen = before;
    }
  }
  handleSearch(event) {
    this.searchTerm = event.detail.value ?? '';
    if (this.searchTimer) {
      clearTimeout(this.searchTimer);
    }
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- debounce: one query when typing stops
    this.searchTimer = setTimeout(() => {
      void this.runSearch(this.searchTerm);
    }, SEARCH_DELAY_MS);
  }
  async runSearch(term) {
    if (term.trim().length < 2) {
      this.searchResults = null;
      return;
    }
    try {
      const results = await searchRecords({
        term
      });
      if (term === this.searchTerm) {
        this.searchResults = results ?? [];
      }
    } catch {
      this.searchResults = [];
    }
  }
}

// Compiled from callTimeline.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
import { LightningElement, api } from 'lwc';
import getCalls from '@salesforce/apex/CallTimelineController.getCalls';
import getStreamUrl from '@salesforce/apex/CallRecordingController.getStreamUrl';
import { subscribe, unsubscribe, onError } from 'lightning/empApi';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import { LABELS } from './labels';
import { CHANNEL, REFRESH_DELAY_MS, CLOCK_TICK_MS, errorMessage, sameId, toView } from './callView';
const DEFAULT_PAGE_SIZE = 20;
/** A live refresh reloads what is on screen, up to the controller's maximum page. */
const MAX_REFRESH_SIZE = 200;

/** Ids only: event fields ignore sharing and field-level security, so no call data travels. */

export default class CallTimeline extends LightningElement {
  @api
  recordId;
  /** Calls per page; App Builder may change it (5–100). */
  @api
  pageSize;
  labels = LABELS;
  filter = 'all';
  includeSameNumber = false;
  calls = [];
  hasMore = false;
  nextCursor = null;
  canListen = false;
  state = 'loading';
  loadingMore = false;
  errorText = '';
  announcement = '';
  now = Date.now();
  expandedIds = [];
  overflowingIds = [];
  playingId = null;
  audioUrl = null;
  fetchingId = null;
  recordingErrors = {};
  requestSeq = 0;
  focusTaskId = null;
  subscription = null;
  disconnected = false;
  refreshTimer = null;
  clockTimer = null;
  connectedCallback() {
    this.disconnected = false;
    void this.load(false);
    void this.subscribeToUpdates();
    // Agents keep the page open for hours: relative times, "summary pending" and recording
    // expiry follow the clock without a reload (a minute is the finest unit shown).
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.clockTimer = setInterval(() => {
      this.now = Date.now();
    }, CLOCK_TICK_MS);
  }
  disconnectedCallback() {
    this.disconnected = true;
    if (this.refreshTimer !== null) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
    }
    if (this.clockTimer !== null) {
      clearInterval(this.clockTimer);
      this.clockTimer = null;
    }
    if (this.subscription) {
      void unsubscribe(this.subscription);
      this.subscription = null;
    }
  }
  renderedCallback() {
    if (this.focusTaskId !== null) {
      const item = this.template?.querySelector(`li[data-id="${this.focusTaskId}"]`);
      this.focusTaskId = null;
      item?.focus();
    }
    const audio = this.template?.querySelector('audio[data-autoplay="true"]');
    if (audio) {
      audio.dataset.autoplay = 'false';
      // Browsers may refuse to start without a fresh gesture; the controls are there anyway.
      audio.play()?.catch(() => undefined);
    }
    this.measureSummaries();
  }

  /** Offers "show more" for each collapsed summary that does not fit its two lines. */
  measureSummaries() {
    const clamped = this.template?.querySelectorAll('p.call-summary_clamped');
    const found = new Set(this.overflowingIds);
    clamped?.forEach(summary => {
      const id = summary.closest('li.call')?.dataset.id;
      if (id && summary.scrollHeight > summary.clientHeight + 1) {
        found.add(id);
      }
    });
    // Assigned only on a change, so the re-render it causes ends here.
    if (found.size !== this.overflowingIds.length) {
      this.overflowingIds = [...found];
    }
  }
  get filterOptions() {
    return [{
      label: LABELS.filterAll,
      value: 'all'
    }, {
      label: LABELS.filterInbound,
      value: 'inbound'
    }, {
      label: LABELS.filterOutbound,
      value: 'outbound'
    }, {
      label: LABELS.filterMissed,
      value: 'missed'
    }];
  }
  get views() {
    const ctx = {
      now: this.now,
      locale: LOCALE,
      timeZone: TIME_ZONE,
      canListen: this.canListen,
      expandedIds: new Set(this.expandedIds),
      overflowingIds: new Set(this.overflowingIds),
      playingId: this.playingId,
      audioUrl: this.audioUrl,
      fetchingId: this.fetchingId,
      recordingErrors: this.recordingErrors
    };
    return this.calls.map(call => toView(call, ctx));
  }
  get isLoading() {
    return this.state === 'loading';
  }
  get isError() {
    return this.state === 'error';
  }
  get hasCalls() {
    return this.state === 'ready' && this.calls.length > 0;
  }
  get isEmpty() {
    return this.state === 'ready' && this.calls.length === 0;
  }
  get emptyText() {
    return this.filter === 'all' ? LABELS.empty : LABELS.emptyFiltered;
  }
  get emptyHint() {
    return this.filter === 'all' ? LABELS.emptyHint : '';
  }
  get showLoadMore() {
    return this.hasCalls && this.hasMore;
  }
  get loadMoreLabel() {
    return this.loadingMore ? LABELS.loadingMore : LABELS.loadMore;
  }
  get effectivePageSize() {
    const size = Number(this.pageSize);
    return Number.isInteger(size) && size > 0 ? size : DEFAULT_PAGE_SIZE;
  }

  /** First page (reset) or the next one (append). */
  async load(append, size) {
    if (!this.recordId) {
      return;
    }
    const seq = ++this.requestSeq;
    if (append) {
      this.loadingMore = true;
    } else if (this.state !== 'ready' || size === undefined) {
      this.state = 'loading';
    }
    try {
      const page = await getCalls({
        recordId: this.recordId,
        request: {
          filter: this.filter,
          includeSameNumber: this.includeSameNumber,
          pageSize: size ?? this.effectivePageSize,
          cursor: append ? this.nextCursor : null
        }
      });
      if (seq !== this.requestSeq || this.disconnected) {
        return;
      }
      const incoming = page?.calls ?? [];
      this.now = Date.now();
      this.calls = append ? [...this.calls, ...incoming] : incoming;
      if (append && incoming.length > 0) {
        this.focusTaskId = incoming[0]?.taskId ?? null;
      }
      this.hasMore = page?.hasMore === true;
      this.nextCursor = page?.nextCursor ?? null;
      this.canListen = page?.canListen === true;
      this.state = 'ready';
      this.errorText = '';
    } catch (error) {
      if (seq !== this.requestSeq || this.disconnected) {
        return;
      }
      this.errorText = errorMessage(error);
      this.state = 'error';
    } finally {
      if (seq === this.requestSeq) {
        this.loadingMore = false;
      }
    }
  }

  /** Reloads what is on screen (live update or the refresh button), keeping the agent's place. */
  async refresh() {
    const size = Math.min(Math.max(this.calls.length, this.effectivePageSize), MAX_REFRESH_SIZE);
    // A live region speaks only when its text changes: cleared first, so every update is heard,
    // and only a successful reload is announced (a failure has its own alert).
    this.announcement = '';
    await this.load(false, size);
    if (this.state === 'ready') {
      this.announcement = LABELS.liveUpdate;
    }
  }
  async subscribeToUpdates() {
    try {
      onError(() => undefined);
      const subscription = await subscribe(CHANNEL, -1, message => this.handleCallUpdate(message));
      if (this.disconnected) {
        void unsubscribe(subscription);
      } else {
        this.subscription = subscription;
      }
    } catch {
      // Without the streaming API the timeline still works; it just does not update by itself.
      this.subscription = null;
    }
  }
  handleCallUpdate(message) {
    const payload = message?.data?.payload;
    if (!payload || !this.concerns(payload)) {
      return;
    }
    if (this.refreshTimer !== null) {
      clearTimeout(this.refreshTimer);
    }
    // Debounce, not polling: one reload per burst of events (lwc/no-async-operation is about
    // timing hacks, this is deliberate).
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, REFRESH_DELAY_MS);
  }

  /**
   * Whether an update may change what is on screen: a call of this record, or a call shown here
   * (it may have moved to another record). With the same-number toggle on, any other call may be
   * of a number shown here; the event does not say (it carries no number), so the reload decides,
   * in user mode (getCalls), showing only what this user may see.
   */
  concerns(payload) {
    if (sameId(payload.Record_Id__c, this.recordId)) {
      return true;
    }
    const callId = payload.Call_Id__c;
    if (!callId) {
      return false;
    }
    return this.includeSameNumber || this.calls.some(call => call.callId === callId);
  }
  handleFilterChange(event) {
    this.filter = event.detail.value;
    void this.load(false);
  }
  handleSameNumberChange(event) {
    this.includeSameNumber = event.target.checked;
    void this.load(false);
  }
  handleLoadMore() {
    if (!this.loadingMore) {
      void this.load(true);
    }
  }
  handleRetry() {
    void this.load(false);
  }
  handleRefresh() {
    void this.refresh();
  }
  handleToggleSummary(event) {
    const id = event.currentTarget.dataset.id ?? '';
    this.expandedIds = this.expandedIds.includes(id) ? this.expandedIds.filter(expanded => expanded !== id) : [...this.expandedIds, id];
  }
  async handlePlay(event) {
    const id = event.currentTarget.dataset.id ?? '';
    if (!id || this.fetchingId !== null) {
      return;
    }
    this.fetchingId = id;
    this.recordingErrors = {
      ...this.recordingErrors,
      [id]: ''
    };
    try {
      // Fetched on every click: Rinkel's stream URLs expire after a few hours.
      const url = await getStreamUrl({
        taskId: id
      });
      // Only one recording plays at a time: the previous player leaves the page.
      this.playingId = id;
      this.audioUrl = url;
    } catch (error) {
      this.recordingErrors = {
        ...this.recordingErrors,
        [id]: errorMessage(error) || LABELS.recordingError
      };
    } finally {
      this.fetchingId = null;
    }
  }
  handleAudioError() {
    if (this.playingId) {
      this.recordingErrors = {
        ...this.recordingErrors,
        [this.playingId]: LABELS.recordingError
      };
    }
    this.playingId = null;
    this.audioUrl = null;
  }
}

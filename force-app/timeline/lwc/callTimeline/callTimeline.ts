import { LightningElement, api } from 'lwc';
import getCalls from '@salesforce/apex/CallTimelineController.getCalls';
import getCall from '@salesforce/apex/CallTimelineController.getCall';
import {
  subscribe,
  unsubscribe,
  onError,
  type EmpMessage,
  type EmpSubscription
} from 'lightning/empApi';
import { registerRefreshHandler, unregisterRefreshHandler } from 'lightning/refresh';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import { LABELS } from './labels';
import {
  type CallEntry,
  type CallFilter,
  type CallGroup,
  type CallPage,
  type CallRange,
  CHANNEL,
  REFRESH_DELAY_MS,
  CLOCK_TICK_MS,
  ViewCache,
  countText,
  errorMessage,
  mergeCall,
  sameCallId,
  sameId
} from './callView';

const DEFAULT_PAGE_SIZE = 20;
/** The controller's largest page: a refresh reloads what is on screen in pages of this size. */
const MAX_PAGE_SIZE = 200;
/** Narrower than this (a record page's sidebar is about 300 px), the filters become comboboxes. */
export const NARROW_WIDTH_PX = 480;
/** More changed calls than this in one burst: reloading is cheaper than asking one by one. */
const MAX_CALLS_PER_BURST = 10;

/** Rinkel_Call_Update__e: ids only (events ignore sharing and field access). */
interface CallUpdatePayload {
  Record_Id__c?: string | null;
  Call_Id__c?: string | null;
}

type LoadState = 'loading' | 'ready' | 'error';

export default class CallTimeline extends LightningElement {
  /** Calls per page; App Builder may change it (5–100). */
  @api pageSize?: number;

  @api
  get recordId(): string | undefined {
    return this.currentRecordId;
  }
  set recordId(value: string | undefined) {
    const changed = !sameId(value, this.currentRecordId);
    this.currentRecordId = value;
    // Another record in the same component instance (console tabs, record navigation): start over.
    if (changed && this.connected) {
      this.resetList();
      void this.load(false);
    }
  }

  labels = LABELS;
  filter: CallFilter = 'all';
  range: CallRange = 'any';
  includeSameNumber = false;
  calls: CallEntry[] = [];
  hasMore = false;
  nextCursor: string | null = null;
  canListen = false;
  total: number | null = null;
  state: LoadState = 'loading';
  loadingMore = false;
  errorText = '';
  canRetry = true;
  announcement = '';
  now = Date.now();
  narrow = false;

  private currentRecordId?: string;
  private connected = false;
  /** Bumped by every load that replaces the list; an answer for an older one is dropped. */
  private generation = 0;
  private appendSeq = 0;
  private focusTaskId: string | null = null;
  private playingTaskId: string | null = null;
  private playingRow: (EventTarget & { stopPlayback?: () => void }) | null = null;
  private subscription: EmpSubscription | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private pendingCallIds = new Set<string>();
  private pendingReload = false;
  private refreshHandlerId: string | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private cache = new ViewCache();

  connectedCallback(): void {
    this.connected = true;
    void this.load(false);
    void this.subscribeToUpdates();
    // The standard refresh (RefreshEvent, e.g. after a quick action) reloads the timeline too.
    this.refreshHandlerId = registerRefreshHandler(this, () => this.refresh());
    // Agents keep the page open for hours: "just now", the day groups, "summary pending" and
    // recording expiry follow the clock without a reload (a minute is the finest unit shown).
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.clockTimer = setInterval(() => {
      this.now = Date.now();
    }, CLOCK_TICK_MS);
  }

  disconnectedCallback(): void {
    this.connected = false;
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
    if (this.refreshHandlerId !== null) {
      unregisterRefreshHandler(this.refreshHandlerId);
      this.refreshHandlerId = null;
    }
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
  }

  renderedCallback(): void {
    this.observeWidth();
    if (this.focusTaskId !== null) {
      const item = this.template?.querySelector<HTMLElement>(`li[data-id="${this.focusTaskId}"]`);
      this.focusTaskId = null;
      item?.focus();
    }
  }

  /** The column's width decides the toolbar (ResizeObserver: App Builder columns change width). */
  private observeWidth(): void {
    // Checked before querying: a query over a thousand rows is what every render must avoid.
    if (this.resizeObserver || typeof ResizeObserver === 'undefined') {
      return;
    }
    const body = this.template?.querySelector<HTMLElement>('.timeline-body');
    if (!body) {
      return;
    }
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = entries[0]?.contentRect.width ?? 0;
      const narrow = width > 0 && width < NARROW_WIDTH_PX;
      if (narrow !== this.narrow) {
        this.narrow = narrow;
      }
    });
    this.resizeObserver.observe(body);
  }

  // The same arrays on every render: new ones would make the filters re-render with the list.
  filterOptions: { label: string; value: CallFilter }[] = [
    { label: LABELS.filterAll, value: 'all' },
    { label: LABELS.filterInbound, value: 'inbound' },
    { label: LABELS.filterOutbound, value: 'outbound' },
    { label: LABELS.filterMissed, value: 'missed' }
  ];

  rangeOptions: { label: string; value: CallRange }[] = [
    { label: LABELS.rangeAny, value: 'any' },
    { label: LABELS.rangeWeek, value: 'week' },
    { label: LABELS.rangeMonth, value: 'month' },
    { label: LABELS.rangeYear, value: 'year' }
  ];

  get wide(): boolean {
    return !this.narrow;
  }

  get toolbarClass(): string {
    return this.narrow ? 'toolbar toolbar_narrow' : 'toolbar';
  }

  /** Calls grouped by day or month; views are built once per call and minute (ViewCache). */
  get groups(): CallGroup[] {
    return this.cache.groups(this.calls, {
      now: this.now,
      locale: LOCALE,
      timeZone: TIME_ZONE,
      canListen: this.canListen
    });
  }

  get countText(): string {
    return this.state === 'ready' ? countText(this.total ?? this.calls.length, LOCALE) : '';
  }

  get isLoading(): boolean {
    return this.state === 'loading';
  }

  get isError(): boolean {
    return this.state === 'error';
  }

  get hasCalls(): boolean {
    return this.state === 'ready' && this.calls.length > 0;
  }

  get isEmpty(): boolean {
    return this.state === 'ready' && this.calls.length === 0;
  }

  get filtered(): boolean {
    return this.filter !== 'all' || this.range !== 'any';
  }

  get emptyText(): string {
    return this.filtered ? LABELS.emptyFiltered : LABELS.empty;
  }

  get emptyHint(): string {
    return this.filtered ? '' : LABELS.emptyHint;
  }

  get showLoadMore(): boolean {
    return this.hasCalls && this.hasMore;
  }

  get loadMoreLabel(): string {
    return this.loadingMore ? LABELS.loadingMore : LABELS.loadMore;
  }

  private get effectivePageSize(): number {
    const size = Number(this.pageSize);
    return Number.isInteger(size) && size > 0 ? size : DEFAULT_PAGE_SIZE;
  }

  private resetList(): void {
    this.calls = [];
    this.hasMore = false;
    this.nextCursor = null;
    this.total = null;
    this.playingTaskId = null;
    this.playingRow = null;
    this.pendingCallIds.clear();
    this.pendingReload = false;
  }

  private request(cursor: string | null, pageSize: number) {
    return {
      recordId: this.currentRecordId,
      request: {
        filter: this.filter,
        includeSameNumber: this.includeSameNumber,
        pageSize,
        cursor,
        range: this.range
      }
    };
  }

  /**
   * First page (reset) or the next one (append). Returns whether the answer was applied: a
   * reload started meanwhile supersedes it.
   */
  async load(append: boolean): Promise<boolean> {
    if (!this.currentRecordId) {
      // On a page without a record (App Builder, a home page) there is nothing to load: say so.
      this.generation++;
      this.errorText = LABELS.noRecord;
      this.canRetry = false;
      this.state = 'error';
      return false;
    }
    if (append) {
      return this.loadMore();
    }
    const generation = ++this.generation;
    this.state = 'loading';
    this.loadingMore = false;
    try {
      const page = (await getCalls(this.request(null, this.effectivePageSize))) as CallPage;
      if (generation !== this.generation || !this.connected) {
        return false;
      }
      this.applyPage(page, page?.calls ?? []);
      return true;
    } catch (error: unknown) {
      if (generation !== this.generation || !this.connected) {
        return false;
      }
      this.fail(error);
      return false;
    }
  }

  private async loadMore(): Promise<boolean> {
    const generation = this.generation;
    const seq = ++this.appendSeq;
    this.loadingMore = true;
    try {
      const page = (await getCalls(
        this.request(this.nextCursor, this.effectivePageSize)
      )) as CallPage;
      if (generation !== this.generation || seq !== this.appendSeq || !this.connected) {
        return false;
      }
      // A live update may have inserted a call of this page already: never show it twice.
      const shown = new Set(this.calls.map((call) => call.taskId));
      const incoming = (page?.calls ?? []).filter((call) => !shown.has(call.taskId));
      this.calls = [...this.calls, ...incoming];
      this.focusTaskId = incoming[0]?.taskId ?? null;
      this.hasMore = page?.hasMore === true;
      this.nextCursor = page?.nextCursor ?? null;
      this.total = page?.total ?? this.total;
      return true;
    } catch (error: unknown) {
      if (generation !== this.generation || seq !== this.appendSeq) {
        return false;
      }
      this.fail(error);
      return false;
    } finally {
      if (seq === this.appendSeq) {
        this.loadingMore = false;
      }
    }
  }

  private applyPage(page: CallPage | null, calls: CallEntry[]): void {
    this.now = Date.now();
    this.calls = calls;
    this.hasMore = page?.hasMore === true;
    this.nextCursor = page?.nextCursor ?? null;
    this.canListen = page?.canListen === true;
    this.total = page?.total ?? null;
    this.state = 'ready';
    this.errorText = '';
    this.canRetry = true;
  }

  private fail(error: unknown): void {
    this.errorText = errorMessage(error);
    this.canRetry = true;
    this.state = 'error';
  }

  /**
   * Reloads everything on screen (refresh button, the standard refresh): as many calls as are
   * loaded, in pages the controller allows, so the agent keeps their place. Announced only when
   * this reload is the one that ended up on screen.
   */
  async refresh(): Promise<boolean> {
    if (!this.currentRecordId) {
      return false;
    }
    const generation = ++this.generation;
    const wanted = Math.max(this.calls.length, this.effectivePageSize);
    // A live region speaks only when its text changes: cleared first, so every update is heard.
    this.announcement = '';
    try {
      let calls: CallEntry[] = [];
      let page: CallPage | null = null;
      let cursor: string | null = null;
      do {
        const size = Math.min(wanted - calls.length, MAX_PAGE_SIZE);
        // eslint-disable-next-line no-await-in-loop -- each page starts after the previous one's cursor
        page = (await getCalls(this.request(cursor, size))) as CallPage;
        if (generation !== this.generation || !this.connected) {
          return false;
        }
        calls = [...calls, ...(page?.calls ?? [])];
        cursor = page?.nextCursor ?? null;
      } while (page?.hasMore === true && cursor !== null && calls.length < wanted);
      this.applyPage(page, calls);
      this.announcement = LABELS.liveUpdate;
      return true;
    } catch (error: unknown) {
      if (generation === this.generation && this.connected) {
        this.fail(error);
      }
      return false;
    }
  }

  private async subscribeToUpdates(): Promise<void> {
    try {
      onError(() => undefined);
      const subscription = await subscribe<CallUpdatePayload>(CHANNEL, -1, (message) =>
        this.handleCallUpdate(message)
      );
      if (!this.connected) {
        void unsubscribe(subscription);
      } else {
        this.subscription = subscription;
      }
    } catch {
      // Without the streaming API the timeline still works; it just does not update by itself.
      this.subscription = null;
    }
  }

  handleCallUpdate(message: EmpMessage<CallUpdatePayload>): void {
    const payload = message?.data?.payload;
    const callId = payload?.Call_Id__c?.trim();
    if (!payload || this.state !== 'ready') {
      return;
    }
    if (callId && this.concerns(payload, callId)) {
      this.pendingCallIds.add(callId.toLowerCase());
    } else if (!callId && sameId(payload.Record_Id__c, this.currentRecordId)) {
      // An event about this record without a call id: nothing to re-read one by one, reload.
      this.pendingReload = true;
    } else {
      return;
    }
    if (this.refreshTimer !== null) {
      clearTimeout(this.refreshTimer);
    }
    // Debounce, not polling: one round of re-queries per burst of events (lwc/no-async-operation
    // is about timing hacks, this is deliberate).
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.applyUpdates();
    }, REFRESH_DELAY_MS);
  }

  /**
   * Whether an event may change this list: a call of this record, a call on screen (it may have
   * moved away), or — with the same-number toggle on — any call, which the controller then checks
   * against this record's own numbers. The event itself carries no number.
   */
  private concerns(payload: CallUpdatePayload, callId: string): boolean {
    return (
      sameId(payload.Record_Id__c, this.currentRecordId) ||
      this.includeSameNumber ||
      this.calls.some((call) => sameCallId(call.callId, callId))
    );
  }

  /** Re-reads the changed calls in user mode and puts each in place: scroll and pages stay. */
  private async applyUpdates(): Promise<void> {
    const callIds = [...this.pendingCallIds];
    const reload = this.pendingReload;
    this.pendingCallIds.clear();
    this.pendingReload = false;
    if (reload || callIds.length > MAX_CALLS_PER_BURST) {
      await this.refresh();
      return;
    }
    if (callIds.length === 0) {
      return;
    }
    const generation = this.generation;
    this.announcement = '';
    let entries: (CallEntry | null)[];
    try {
      entries = await Promise.all(
        callIds.map(
          async (callId) =>
            ((await getCall({ recordId: this.currentRecordId, callId })) as CallEntry | null) ??
            null
        )
      );
    } catch {
      // One call that cannot be read again: the list stays as it is until the next refresh.
      return;
    }
    // A reload that started meanwhile brings the calls itself.
    if (generation !== this.generation || !this.connected || this.state !== 'ready') {
      return;
    }
    let calls: CallEntry[] = this.calls;
    let total = this.total;
    let changed = false;
    const list = {
      filter: this.filter,
      range: this.range,
      includeSameNumber: this.includeSameNumber,
      now: Date.now()
    };
    callIds.forEach((callId, index) => {
      const merged = mergeCall(calls, callId, entries[index] ?? null, list, this.hasMore);
      calls = merged.calls;
      total = total === null ? null : Math.max(0, total + merged.delta);
      changed = changed || merged.changed;
    });
    // `now` stays as it is: it moves once a minute for every call, and moving it here would
    // rebuild every call's view for one changed call (a new call reads "just now" either way).
    if (changed) {
      this.calls = calls;
      this.announcement = LABELS.liveUpdate;
    }
    this.total = total;
  }

  handleFilterChange(event: CustomEvent<{ value: CallFilter }>): void {
    this.filter = event.detail.value;
    void this.load(false);
  }

  handleRangeChange(event: CustomEvent<{ value: CallRange }>): void {
    this.range = event.detail.value;
    void this.load(false);
  }

  handleSameNumberChange(event: Event): void {
    this.includeSameNumber = (event.target as HTMLInputElement).checked;
    void this.load(false);
  }

  handleLoadMore(): void {
    if (!this.loadingMore) {
      void this.load(true);
    }
  }

  handleRetry(): void {
    void this.load(false);
  }

  handleRefresh(): void {
    void this.refresh();
  }

  /** Only one recording plays at a time: the row that played before stops. */
  handlePlayStart(event: CustomEvent<{ taskId: string }>): void {
    const taskId = event.detail.taskId;
    // The row itself is kept (not looked up by id): no query over every row on screen.
    const row = event.target;
    if (this.playingRow && this.playingRow !== row && this.playingTaskId !== taskId) {
      this.playingRow.stopPlayback?.();
    }
    this.playingTaskId = taskId;
    this.playingRow = row;
  }
}

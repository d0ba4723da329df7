// One call of the timeline. Its own state (summary expanded, player, menu results) lives here,
// so toggling "Show more" or playing a recording re-renders this row only, whatever the number
// of calls loaded. Light DOM: the row is part of the timeline's shadow tree (one tree to style,
// test and read for assistive technology).
import { LightningElement, api } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import getStreamUrl from '@salesforce/apex/CallRecordingController.getStreamUrl';
import requestLink from '@salesforce/apex/CallTimelineController.requestLink';
import dialCall from '@salesforce/apex/RinkelDialController.dialCall';
import CAN_DIAL from '@salesforce/customPermission/Rinkel_Click_To_Dial';

/** What the row reads from its CallView (callTimeline/callView.ts), kept structural here. */
interface RowView {
  taskId: string;
  showPlay: boolean;
  summaryLong: boolean;
  canLink: boolean;
  canCallBack?: boolean;
  relatedRecordId: string | null;
  playLabel: string;
}

/** The labels the row shows besides those in its view (callTimeline/labels.ts). */
interface RowLabels {
  showMore: string;
  showLess: string;
  recordingError: string;
  linkFailed: string;
  dialCalling?: string;
  dialFailed?: string;
}

/** RinkelDialer.Result: a refused dial is an answer to show, not an exception. */
interface DialResult {
  placed?: boolean;
  message?: string;
}

function messageOf(error: unknown): string {
  const body = (error as { body?: { message?: unknown } } | null)?.body;
  return typeof body?.message === 'string' ? body.message : '';
}

export default class CallTimelineItem extends NavigationMixin(LightningElement) {
  static renderMode = 'light' as const;

  @api call?: RowView;
  @api labels?: RowLabels;
  @api recordId?: string;

  expanded = false;
  overflowing = false;
  fetching = false;
  audioUrl: string | null = null;
  recordingError = '';
  actionMessage = '';
  actionError = '';
  dialling = false;
  private linkRequested = false;

  private autoplayPending = false;
  private summaryElement: Element | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private measuredText = '';
  private focusToggle = false;

  disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.summaryElement = null;
  }

  renderedCallback(): void {
    const summary = this.querySelector('p.call-summary');
    if (summary !== this.summaryElement) {
      this.summaryElement = summary;
      this.resizeObserver?.disconnect();
      this.resizeObserver = null;
      // The column's width decides whether two lines hold the summary: measured again whenever
      // it changes (App Builder columns, a console split, a rotated phone), not only on render.
      if (summary && typeof ResizeObserver !== 'undefined') {
        this.resizeObserver = new ResizeObserver(() => this.measure());
        this.resizeObserver.observe(summary);
      }
    }
    // Without ResizeObserver (old browsers, jsdom) the row measures after each of its renders;
    // with it, also when a live update changed the text but not the clamped box's size.
    const text = summary?.textContent ?? '';
    if (typeof ResizeObserver === 'undefined' || text !== this.measuredText) {
      this.measuredText = text;
      this.measure();
    }
    if (this.focusToggle) {
      this.focusToggle = false;
      this.querySelector<HTMLElement>('button.summary-toggle')?.focus();
    }
    if (this.autoplayPending) {
      const audio = this.querySelector<HTMLAudioElement>('audio');
      if (audio) {
        this.autoplayPending = false;
        // The Play button is gone: focus goes to the player that replaced it, not to <body>.
        audio.focus();
        // Browsers may refuse to start without a fresh gesture; the controls are there anyway.
        audio.play()?.catch(() => undefined);
      }
    }
  }

  /** Offers "Show more" only while the collapsed summary does not fit its two lines. */
  private measure(): void {
    const summary = this.summaryElement as HTMLElement | null;
    if (!summary || this.expanded) {
      return;
    }
    const overflowing = summary.scrollHeight > summary.clientHeight + 1;
    // Assigned only on a change, so the re-render it causes ends here.
    if (overflowing !== this.overflowing) {
      this.overflowing = overflowing;
    }
  }

  /** Offered until a request was sent: one pending request per call and visit is enough. */
  get canLink(): boolean {
    return this.call?.canLink === true && !this.linkRequested;
  }

  /** Missed calls and voicemails, for agents with the click-to-dial permission (Rinkel_Dialer). */
  get canCallBack(): boolean {
    return CAN_DIAL === true && this.call?.canCallBack === true;
  }

  get canExpand(): boolean {
    return this.expanded || this.overflowing;
  }

  get showTopToggle(): boolean {
    return this.expanded && this.call?.summaryLong === true;
  }

  get summaryClass(): string {
    if (!this.expanded) {
      return 'call-summary call-summary_clamped';
    }
    return this.call?.summaryLong ? 'call-summary call-summary_scroll' : 'call-summary';
  }

  get expandedText(): string {
    return this.expanded ? 'true' : 'false';
  }

  get toggleText(): string {
    return (this.expanded ? this.labels?.showLess : this.labels?.showMore) ?? '';
  }

  get playing(): boolean {
    return this.audioUrl !== null;
  }

  /** Play sits in the row's head (an icon with the call in its name), the player below it. */
  get showPlayButton(): boolean {
    return this.call?.showPlay === true && !this.playing;
  }

  get showRecording(): boolean {
    return this.fetching || this.playing;
  }

  handleToggleSummary(event: Event): void {
    // "Show less" at the top of a long summary goes away with it: focus moves to the toggle
    // that stays (below the summary), not to <body>.
    this.focusToggle =
      (event.currentTarget as HTMLElement | null)?.classList.contains('summary-toggle_top') ===
      true;
    this.expanded = !this.expanded;
  }

  /** Stops and removes this row's player (another row started playing). */
  @api
  stopPlayback(): void {
    this.autoplayPending = false;
    this.audioUrl = null;
  }

  async handlePlay(): Promise<void> {
    const taskId = this.call?.taskId;
    if (!taskId || this.fetching) {
      return;
    }
    this.fetching = true;
    this.recordingError = '';
    try {
      // Fetched on every click: Rinkel's stream URLs expire after a few hours.
      const url = (await getStreamUrl({ taskId })) as string;
      this.audioUrl = url;
      // Only an explicit Play starts the audio; a row rebuilt later never plays by itself.
      this.autoplayPending = true;
      // Bubbles (within the timeline's tree: rows and groups are light DOM) to the timeline.
      this.dispatchEvent(new CustomEvent('playstart', { bubbles: true, detail: { taskId } }));
    } catch (error: unknown) {
      this.recordingError = messageOf(error) || (this.labels?.recordingError ?? '');
    } finally {
      this.fetching = false;
    }
  }

  handleAudioError(): void {
    this.recordingError = this.labels?.recordingError ?? '';
    this.audioUrl = null;
  }

  handleOpenRecord(event: Event): void {
    const recordId = (event.currentTarget as HTMLElement).dataset.recordId;
    if (!recordId) {
      return;
    }
    // Console tabs, Experience Cloud and the mobile app each open records their own way.
    event.preventDefault();
    this.navigateToRecord(recordId, 'view');
  }

  private navigateToRecord(recordId: string, actionName: 'view' | 'edit'): void {
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId, actionName }
    });
  }

  async handleMenuSelect(event: CustomEvent<{ value: string }>): Promise<void> {
    const taskId = this.call?.taskId;
    if (!taskId) {
      return;
    }
    switch (event.detail.value) {
      case 'open':
        this.navigateToRecord(taskId, 'view');
        return;
      case 'note':
        // The Task's own edit form: field access and validation rules stay the org's.
        this.navigateToRecord(taskId, 'edit');
        return;
      case 'link':
        await this.requestLinkHere(taskId);
        break;
      case 'callback':
        await this.callBack(taskId);
        break;
      default:
    }
  }

  private async requestLinkHere(taskId: string): Promise<void> {
    this.actionMessage = '';
    this.actionError = '';
    try {
      this.actionMessage = (await requestLink({ taskId, recordId: this.recordId })) as string;
      this.linkRequested = true;
    } catch (error: unknown) {
      this.actionError = messageOf(error) || (this.labels?.linkFailed ?? '');
    }
  }

  /**
   * One click, one dial: Rinkel rings the agent's phone, then the caller. Never repeated by the
   * component (a second dial costs minutes and may ring the customer twice); the call is linked
   * to the record this timeline shows.
   */
  private async callBack(taskId: string): Promise<void> {
    if (this.dialling) {
      return;
    }
    this.dialling = true;
    this.actionError = '';
    this.actionMessage = this.labels?.dialCalling ?? '';
    try {
      const result = (await dialCall({ taskId, recordId: this.recordId })) as DialResult | null;
      if (result?.placed === true) {
        this.actionMessage = result.message ?? '';
      } else {
        this.actionMessage = '';
        this.actionError = result?.message || (this.labels?.dialFailed ?? '');
      }
    } catch (error: unknown) {
      this.actionMessage = '';
      this.actionError = messageOf(error) || (this.labels?.dialFailed ?? '');
    } finally {
      this.dialling = false;
    }
  }
}

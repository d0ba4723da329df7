// Compiled from callTimelineItem.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
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

/** The labels the row shows besides those in its view (callTimeline/labels.ts). */

/** RinkelDialer.Result: a refused dial is an answer to show, not an exception. */

function messageOf(error) {
  const body = error?.body;
  return typeof body?.message === 'string' ? body.message : '';
}
export default class CallTimelineItem extends NavigationMixin(LightningElement) {
  static renderMode = 'light';
  @api
  call;
  @api
  labels;
  @api
  recordId;
  expanded = false;
  overflowing = false;
  fetching = false;
  audioUrl = null;
  recordingError = '';
  actionMessage = '';
  actionError = '';
  dialling = false;
  linkRequested = false;
  autoplayPending = false;
  summaryElement = null;
  resizeObserver = null;
  measuredText = '';
  focusToggle = false;
  disconnectedCallback() {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.summaryElement = null;
  }
  renderedCallback() {
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
      this.querySelector('button.summary-toggle')?.focus();
    }
    if (this.autoplayPending) {
      const audio = this.querySelector('audio');
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
  measure() {
    const summary = this.summaryElement;
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
  get canLink() {
    return this.call?.canLink === true && !this.linkRequested;
  }

  /** Missed calls and voicemails, for agents with the click-to-dial permission (Rinkel_Dialer). */
  get canCallBack() {
    return CAN_DIAL === true && this.call?.canCallBack === true;
  }
  get canExpand() {
    return this.expanded || this.overflowing;
  }
  get showTopToggle() {
    return this.expanded && this.call?.summaryLong === true;
  }
  get summaryClass() {
    if (!this.expanded) {
      return 'call-summary call-summary_clamped';
    }
    return this.call?.summaryLong ? 'call-summary call-summary_scroll' : 'call-summary';
  }
  get expandedText() {
    return this.expanded ? 'true' : 'false';
  }
  get toggleText() {
    return (this.expanded ? this.labels?.showLess : this.labels?.showMore) ?? '';
  }
  get playing() {
    return this.audioUrl !== null;
  }

  /** Play sits in the row's head (an icon with the call in its name), the player below it. */
  get showPlayButton() {
    return this.call?.showPlay === true && !this.playing;
  }
  get showRecording() {
    return this.fetching || this.playing;
  }
  handleToggleSummary(event) {
    // "Show less" at the top of a long summary goes away with it: focus moves to the toggle
    // that stays (below the summary), not to <body>.
    this.focusToggle = event.currentTarget?.classList.contains('summary-toggle_top') === true;
    this.expanded = !this.expanded;
  }

  /** Stops and removes this row's player (another row started playing). */
  @api
  stopPlayback() {
    this.autoplayPending = false;
    this.audioUrl = null;
  }
  async handlePlay() {
    const taskId = this.call?.taskId;
    if (!taskId || this.fetching) {
      return;
    }
    this.fetching = true;
    this.recordingError = '';
    try {
      // Fetched on every click: Rinkel's stream URLs expire after a few hours.
      const url = await getStreamUrl({
        taskId
      });
      this.audioUrl = url;
      // Only an explicit Play starts the audio; a row rebuilt later never plays by itself.
      this.autoplayPending = true;
      // Bubbles (within the timeline's tree: rows and groups are light DOM) to the timeline.
      this.dispatchEvent(new CustomEvent('playstart', {
        bubbles: true,
        detail: {
          taskId
        }
      }));
    } catch (error) {
      this.recordingError = messageOf(error) || (this.labels?.recordingError ?? '');
    } finally {
      this.fetching = false;
    }
  }
  handleAudioError() {
    this.recordingError = this.labels?.recordingError ?? '';
    this.audioUrl = null;
  }
  handleOpenRecord(event) {
    const recordId = event.currentTarget.dataset.recordId;
    if (!recordId) {
      return;
    }
    // Console tabs, Experience Cloud and the mobile app each open records their own way.
    event.preventDefault();
    this.navigateToRecord(recordId, 'view');
  }
  navigateToRecord(recordId, actionName) {
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: {
        recordId,
        actionName
      }
    });
  }
  async handleMenuSelect(event) {
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
  async requestLinkHere(taskId) {
    this.actionMessage = '';
    this.actionError = '';
    try {
      this.actionMessage = await requestLink({
        taskId,
        recordId: this.recordId
      });
      this.linkRequested = true;
    } catch (error) {
      this.actionError = messageOf(error) || (this.labels?.linkFailed ?? '');
    }
  }

  /**
   * One click, one dial: Rinkel rings the agent's phone, then the caller. Never repeated by the
   * component (a second dial costs minutes and may ring the customer twice); the call is linked
   * to the record this timeline shows.
   */
  async callBack(taskId) {
    if (this.dialling) {
      return;
    }
    this.dialling = true;
    this.actionError = '';
    this.actionMessage = this.labels?.dialCalling ?? '';
    try {
      const result = await dialCall({
        taskId,
        recordId: this.recordId
      });
      if (result?.placed === true) {
        this.actionMessage = result.message ?? '';
      } else {
        this.actionMessage = '';
        this.actionError = result?.message || (this.labels?.dialFailed ?? '');
      }
    } catch (error) {
      this.actionMessage = '';
      this.actionError = messageOf(error) || (this.labels?.dialFailed ?? '');
    } finally {
      this.dialling = false;
    }
  }
}

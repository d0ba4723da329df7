// Compiled from rinkelOperations.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
import { LightningElement } from 'lwc';
import getHealth from '@salesforce/apex/RinkelOperationsController.getHealth';
import retryFailed from '@salesforce/apex/RinkelOperationsController.retryFailed';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import { LABELS, formatLabel } from './labels';

/** RinkelHealth.Snapshot as the controller returns it. */

/** The jobs RinkelSchedules plans: reconciliation, retention and the Rinkel contact sync. */
const EXPECTED_JOBS = 3;

/** The message of an Apex error ({ body: { message } }), or of anything else thrown. */
export function errorMessage(error) {
  if (typeof error === 'object' && error !== null) {
    const body = error.body;
    if (typeof body === 'object' && body !== null) {
      const message = body.message;
      if (typeof message === 'string') {
        return message;
      }
    }
    const message = error.message;
    if (typeof message === 'string') {
      return message;
    }
  }
  return String(error);
}

/**
 * Admin view of the Rinkel integration: is Rinkel still sending, is processing keeping up, is
 * reconciliation running, and one button that retries every failed event.
 */
export default class RinkelOperations extends LightningElement {
  labels = LABELS;
  health = null;
  loading = true;
  retrying = false;
  errorText = '';
  message = '';
  connectedCallback() {
    void this.load();
  }
  async load() {
    this.loading = true;
    this.errorText = '';
    try {
      this.health = await getHealth();
    } catch (error) {
      this.errorText = formatLabel(LABELS.loadError, errorMessage(error));
    } finally {
      this.loading = false;
    }
  }
  handleRefresh() {
    this.message = '';
    void this.load();
  }
  async handleRetry() {
    this.retrying = true;
    this.message = '';
    try {
      const result = await retryFailed();
      const selected = result.selected ?? 0;
      this.message = selected === 0 ? LABELS.retryNone : formatLabel(LABELS.retryResult, String(result.retried ?? 0), String(selected));
      await this.load();
    } catch (error) {
      this.errorText = formatLabel(LABELS.loadError, errorMessage(error));
    } finally {
      this.retrying = false;
    }
  }
  get ready() {
    return !this.loading && this.health !== null;
  }
  get lastEvent() {
    return this.formatDate(this.health?.lastEventReceivedAt) ?? LABELS.never;
  }
  get processed() {
    return this.health?.processedLast24h ?? 0;
  }
  get failed() {
    return this.health?.failedLast24h ?? 0;
  }
  get retryingCount() {
    return this.health?.retryingLast24h ?? 0;
  }
  get waiting() {
    return this.health?.receivedLast24h ?? 0;
  }
  get failedTotal() {
    return this.health?.failedTotal ?? 0;
  }
  get checkpoint() {
    return this.formatDate(this.health?.reconcileCheckpoint) ?? LABELS.never;
  }
  get lastRun() {
    return this.formatDate(this.health?.reconcileLastRunAt) ?? LABELS.never;
  }
  get lastRepairs() {
    const count = this.health?.reconcileLastRepairCount;
    return count === null || count === undefined ? '–' : String(count);
  }
  get lastError() {
    return this.health?.reconcileLastError ?? '';
  }
  get notScheduled() {
    return this.health !== null && (this.health.scheduledJobs ?? []).length < EXPECTED_JOBS;
  }
  get retryDisabled() {
    return this.retrying || this.failedTotal === 0;
  }
  get failedClass() {
    return this.failedTotal > 0 ? 'failed-total slds-text-color_error' : 'failed-total';
  }
  formatDate(value) {
    if (!value) {
      return null;
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      return value;
    }
    return new Intl.DateTimeFormat(LOCALE, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: TIME_ZONE
    }).format(date);
  }
}

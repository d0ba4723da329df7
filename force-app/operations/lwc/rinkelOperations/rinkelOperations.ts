import { LightningElement } from 'lwc';
import getHealth from '@salesforce/apex/RinkelOperationsController.getHealth';
import retryFailed from '@salesforce/apex/RinkelOperationsController.retryFailed';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import { LABELS, formatLabel } from './labels';

/** RinkelHealth.Snapshot as the controller returns it. */
export interface Health {
  lastEventReceivedAt?: string | null;
  receivedLast24h?: number;
  processedLast24h?: number;
  failedLast24h?: number;
  retryingLast24h?: number;
  failedTotal?: number;
  reconcileCheckpoint?: string | null;
  reconcileLastRunAt?: string | null;
  reconcileLastRepairCount?: number | null;
  reconcileLastError?: string | null;
  scheduledJobs?: { name?: string; state?: string; nextFireTime?: string | null }[];
}

interface RetryResult {
  selected?: number;
  retried?: number;
  errors?: string[];
}

/** The jobs RinkelSchedules plans: reconciliation, retention and the Rinkel contact sync. */
const EXPECTED_JOBS = 3;

/** The message of an Apex error ({ body: { message } }), or of anything else thrown. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const body = (error as { body?: unknown }).body;
    if (typeof body === 'object' && body !== null) {
      const message = (body as { message?: unknown }).message;
      if (typeof message === 'string') {
        return message;
      }
    }
    const message = (error as { message?: unknown }).message;
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
  health: Health | null = null;
  loading = true;
  retrying = false;
  errorText = '';
  message = '';

  connectedCallback(): void {
    void this.load();
  }

  async load(): Promise<void> {
    this.loading = true;
    this.errorText = '';
    try {
      this.health = (await getHealth()) as Health;
    } catch (error) {
      this.errorText = formatLabel(LABELS.loadError, errorMessage(error));
    } finally {
      this.loading = false;
    }
  }

  handleRefresh(): void {
    this.message = '';
    void this.load();
  }

  async handleRetry(): Promise<void> {
    this.retrying = true;
    this.message = '';
    try {
      const result = (await retryFailed()) as RetryResult;
      const selected = result.selected ?? 0;
      this.message =
        selected === 0
          ? LABELS.retryNone
          : formatLabel(LABELS.retryResult, String(result.retried ?? 0), String(selected));
      await this.load();
    } catch (error) {
      this.errorText = formatLabel(LABELS.loadError, errorMessage(error));
    } finally {
      this.retrying = false;
    }
  }

  get ready(): boolean {
    return !this.loading && this.health !== null;
  }

  get lastEvent(): string {
    return this.formatDate(this.health?.lastEventReceivedAt) ?? LABELS.never;
  }

  get processed(): number {
    return this.health?.processedLast24h ?? 0;
  }

  get failed(): number {
    return this.health?.failedLast24h ?? 0;
  }

  get retryingCount(): number {
    return this.health?.retryingLast24h ?? 0;
  }

  get waiting(): number {
    return this.health?.receivedLast24h ?? 0;
  }

  get failedTotal(): number {
    return this.health?.failedTotal ?? 0;
  }

  get checkpoint(): string {
    return this.formatDate(this.health?.reconcileCheckpoint) ?? LABELS.never;
  }

  get lastRun(): string {
    return this.formatDate(this.health?.reconcileLastRunAt) ?? LABELS.never;
  }

  get lastRepairs(): string {
    const count = this.health?.reconcileLastRepairCount;
    return count === null || count === undefined ? '–' : String(count);
  }

  get lastError(): string {
    return this.health?.reconcileLastError ?? '';
  }

  get notScheduled(): boolean {
    return this.health !== null && (this.health.scheduledJobs ?? []).length < EXPECTED_JOBS;
  }

  get retryDisabled(): boolean {
    return this.retrying || this.failedTotal === 0;
  }

  get failedClass(): string {
    return this.failedTotal > 0 ? 'failed-total slds-text-color_error' : 'failed-total';
  }

  private formatDate(value: string | null | undefined): string | null {
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

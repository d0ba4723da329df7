// A small typed client for the Rinkel REST API (https://api.rinkel.com/v1), used by the
// webhook commands and reusable by later tools (backfill). See
// ../shared/reference/rinkel-api.md §2 (webhooks) and §5 (auth, errors, pagination).
//
// Responses are parsed leniently: unknown keys are ignored, missing optional keys tolerated.

import { parseJsonOrText } from './http-body';
import { isRecord } from '../core/json';

export const DEFAULT_RINKEL_BASE_URL = 'https://api.rinkel.com/v1';

export const RINKEL_EVENTS = [
  'incomingCall',
  'outgoingCall',
  'callStart',
  'callEnd',
  'callInsights'
] as const;
export type RinkelEvent = (typeof RINKEL_EVENTS)[number];

/** The events the product processes; the other three are only subscribed with --all. */
export const DEFAULT_WEBHOOK_EVENTS: readonly RinkelEvent[] = ['callEnd', 'callInsights'];

export function isRinkelEvent(value: string): value is RinkelEvent {
  return (RINKEL_EVENTS as readonly string[]).includes(value);
}

export type WebhookContentType = 'application/json' | 'application/x-www-form-urlencoded';

export interface WebhookSubscription {
  event: string;
  url: string;
  contentType: string;
  active: boolean;
  description?: string;
}

export interface WebhookSubscriptionInput {
  url: string;
  contentType: WebhookContentType;
  active: boolean;
  description?: string;
}

export type RinkelErrorKind =
  | 'unauthorized'
  | 'plan'
  | 'forbidden'
  | 'badRequest'
  | 'notFound'
  | 'rateLimited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'malformed'
  | 'unexpected';

export class RinkelApiError extends Error {
  override readonly name = 'RinkelApiError';

  constructor(
    readonly kind: RinkelErrorKind,
    /** HTTP status; 0 for transport failures. */
    readonly status: number,
    message: string,
    /** What the admin can do about it. */
    readonly fix: string,
    /** Rinkel's errors[0].code when present. */
    readonly code?: string,
    readonly rinkelMessage?: string
  ) {
    super(message);
  }

  get retryable(): boolean {
    return (
      this.kind === 'network' ||
      this.kind === 'timeout' ||
      this.kind === 'malformed' ||
      this.kind === 'rateLimited' ||
      this.kind === 'server'
    );
  }
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: string;
  /** What Rinkel asked for with Retry-After, when it did. */
  retryAfterMs?: number;
  kind: RinkelErrorKind;
}

/** How long the client waits at most when Rinkel answers 429 with a longer Retry-After. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** Checks a 2xx body against the shape the caller reads; returns what is wrong, or undefined. */
export type ShapeCheck = (body: unknown) => string | undefined;

export interface RinkelApiOptions {
  apiKey: string;
  baseUrl?: string;
  /** Retries after the first attempt for network errors, 429 and 5xx. */
  maxRetries?: number;
  retryBaseDelayMs?: number;
  /** Upper bound for one backoff wait. */
  retryMaxDelayMs?: number;
  /** Upper bound for a wait Rinkel asks for with Retry-After; a longer ask is cut and reported. */
  retryAfterCapMs?: number;
  timeoutMs?: number;
  onRetry?: (info: RetryInfo) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** A 2xx whose body fails this check is a retryable `malformed` error, never a success. */
  expect?: ShapeCheck;
}

/** `{data: [...]}` (a list page); meta is optional (not every list is documented with it). */
export const LIST_ENVELOPE: ShapeCheck = (body) =>
  isRecord(body) && Array.isArray(body.data)
    ? body.data.every(isRecord)
      ? undefined
      : 'an item of data is not an object'
    : describeNot(body, '{"data": [...]}');

/** `{data: {...}}` (one resource). */
export const ONE_ENVELOPE: ShapeCheck = (body) =>
  isRecord(body) && isRecord(body.data) ? undefined : describeNot(body, '{"data": {...}}');

/** A page of call detail records: the list envelope with the documented pagination numbers. */
export const CDR_PAGE: ShapeCheck = (body) => {
  const list = LIST_ENVELOPE(body);
  if (list) return list;
  const meta = isRecord(body) ? body.meta : undefined;
  const pagination = isRecord(meta) ? meta.pagination : undefined;
  if (!isRecord(pagination)) return 'meta.pagination is missing';
  for (const key of ['totalPages', 'currentPage']) {
    if (typeof pagination[key] !== 'number' || !Number.isInteger(pagination[key])) {
      return `meta.pagination.${key} is not a whole number`;
    }
  }
  return undefined;
};

const SUBSCRIPTION: ShapeCheck = (body) => {
  const one = ONE_ENVELOPE(body);
  if (one) return one;
  const data = (body as { data: Record<string, unknown> }).data;
  return typeof data.url === 'string' ? undefined : 'data.url is missing';
};

function describeNot(body: unknown, wanted: string): string {
  if (body === undefined) return `an empty body instead of ${wanted}`;
  if (typeof body === 'string') return `a body that is not JSON (cut off?) instead of ${wanted}`;
  return `JSON without ${wanted}`;
}

export interface RinkelResponse {
  status: number;
  body: unknown;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads Rinkel's `{errors:[{code,message,detail}]}` envelope; tolerant of other shapes. */
export function parseRinkelError(body: unknown): { code?: string; message?: string } {
  if (isRecord(body)) {
    const errors = body.errors;
    if (Array.isArray(errors) && errors.length > 0 && isRecord(errors[0])) {
      const first = errors[0];
      return {
        code: typeof first.code === 'string' ? first.code : undefined,
        message: typeof first.message === 'string' ? first.message : undefined
      };
    }
    if (typeof body.message === 'string') {
      return { message: body.message };
    }
  }
  if (typeof body === 'string' && body.trim().length > 0) {
    return { message: body.trim().slice(0, 300) };
  }
  return {};
}

const PLAN_TEXT = /plan does not include integrations/i;

/** Maps an HTTP error to a message an admin can act on. */
export function toRinkelApiError(status: number, body: unknown, what: string): RinkelApiError {
  const { code, message } = parseRinkelError(body);
  const detail = [code, message].filter(Boolean).join(': ');
  if (status === 401) {
    return new RinkelApiError(
      'unauthorized',
      status,
      `${what}: the API key is wrong (Rinkel answered 401 Unauthorized).`,
      'Check RINKEL_API_KEY: copy the key Rinkel gave you again (no spaces or quotes) and retry.',
      code,
      message
    );
  }
  if (status === 403 && !/\/webhooks\b/.test(what)) {
    // Only the webhook endpoints are plan-gated as documented; elsewhere a 403 is about what the
    // key may read (e.g. call detail records with insights).
    return new RinkelApiError(
      'forbidden',
      status,
      `${what}: Rinkel refused this API key access (403${detail ? ` ${detail}` : ''}).`,
      'The key is valid but may not read this: ask Rinkel (or the account owner in My Rinkel → Integrations) to give the API key access to call detail records, then retry.',
      code,
      message
    );
  }
  if (status === 403) {
    const isPlan = PLAN_TEXT.test(`${message ?? ''} ${code ?? ''} ${JSON.stringify(body) ?? ''}`);
    return new RinkelApiError(
      'plan',
      status,
      isPlan
        ? `${what}: Rinkel says "Current plan does not include integrations". Webhooks need the Rinkel Expert plan.`
        : `${what}: Rinkel refused access (403${detail ? ` ${detail}` : ''}). Webhooks need the Rinkel Expert plan.`,
      'Upgrade the Rinkel account to the Expert plan (or ask Rinkel to enable integrations for it), then retry.',
      code,
      message
    );
  }
  if (status === 400 || status === 422 || status === 409) {
    return new RinkelApiError(
      'badRequest',
      status,
      `${what}: Rinkel rejected the request (${status}) — ${detail || 'no error details'}.`,
      'Read Rinkel’s error code and message above; they name the field that is wrong.',
      code,
      message
    );
  }
  if (status === 404) {
    return new RinkelApiError(
      'notFound',
      status,
      `${what}: not found (404${detail ? ` ${detail}` : ''}).`,
      detail
        ? 'Check the event name or id.'
        : 'Rinkel sent no error of its own, so the path itself is unknown there: check RINKEL_API_BASE_URL (it must end in /v1, e.g. https://api.rinkel.com/v1).',
      code,
      message
    );
  }
  if (status === 429) {
    return new RinkelApiError(
      'rateLimited',
      status,
      `${what}: Rinkel is rate limiting (429).`,
      'Wait a minute and retry.',
      code,
      message
    );
  }
  if (status >= 500) {
    return new RinkelApiError(
      'server',
      status,
      `${what}: Rinkel had a server error (${status}${detail ? ` ${detail}` : ''}).`,
      'Retry in a few minutes; if it persists, contact Rinkel support.',
      code,
      message
    );
  }
  return new RinkelApiError(
    'unexpected',
    status,
    `${what}: unexpected answer ${status}${detail ? ` ${detail}` : ''}.`,
    'Retry; if it persists, check https://developers.rinkel.com for API changes.',
    code,
    message
  );
}

function parseSubscription(
  value: unknown,
  fallbackEvent?: string
): WebhookSubscription | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const event = typeof value.event === 'string' ? value.event : fallbackEvent;
  if (typeof value.url !== 'string' || !event) {
    return undefined;
  }
  return {
    event,
    url: value.url,
    contentType: typeof value.contentType === 'string' ? value.contentType : '',
    // A subscription without the flag is treated as active: that is what Rinkel creates by default.
    active: typeof value.active === 'boolean' ? value.active : true,
    description: typeof value.description === 'string' ? value.description : undefined
  };
}

export interface CallDetailRecordPage {
  records: Record<string, unknown>[];
  page: number;
  /** From meta.pagination (required: a page without it is malformed). */
  totalPages: number;
  totalItems: number | null;
  hasNextPage: boolean;
}

export class RinkelApiClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly retryAfterCapMs: number;
  readonly timeoutMs: number;
  private readonly onRetry?: (info: RetryInfo) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RinkelApiOptions) {
    if (!options.apiKey) {
      throw new Error('RinkelApiClient needs an API key.');
    }
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_RINKEL_BASE_URL).replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 3;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 10_000;
    this.retryAfterCapMs = options.retryAfterCapMs ?? RETRY_AFTER_CAP_MS;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.onRetry = options.onRetry;
    this.sleep = options.sleep ?? defaultSleep;
  }

  buildUrl(path: string, query?: RequestOptions['query']): string {
    const url = new URL(`${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    return url.toString();
  }

  /**
   * One API call with retries on transport errors, 429 and 5xx. Resolves with any 2xx answer;
   * rejects with a RinkelApiError otherwise.
   */
  async request(
    method: string,
    path: string,
    options: RequestOptions = {}
  ): Promise<RinkelResponse> {
    const url = this.buildUrl(path, options.query);
    const what = `${method} ${path}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'x-rinkel-api-key': this.apiKey
    };
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(options.body);
    }

    for (let attempt = 0; ; attempt++) {
      let error: RinkelApiError;
      let retryAfterMs: number | undefined;
      try {
        const response = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(this.timeoutMs)
        });
        const body = parseJsonOrText(await response.text());
        const problem = response.ok ? options.expect?.(body) : undefined;
        if (response.ok && !problem) {
          return { status: response.status, body };
        }
        if (problem) {
          error = new RinkelApiError(
            'malformed',
            response.status,
            `${what}: Rinkel answered ${response.status} with ${problem}.`,
            'Nothing was taken from that answer. Retry in a few minutes; if it persists, check RINKEL_API_BASE_URL and https://developers.rinkel.com for API changes.'
          );
        } else {
          error = toRinkelApiError(response.status, body, what);
          retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        }
      } catch (cause) {
        // By name: fetch's DOMException is not an Error of this realm under jest.
        const name = (cause as { name?: unknown } | null)?.name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        const reason = cause instanceof Error ? describeTransportError(cause) : String(cause);
        error = timedOut
          ? new RinkelApiError(
              'timeout',
              0,
              `${what}: Rinkel at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s.`,
              'Rinkel (or a proxy on the way) is slow right now: retry later, or allow more time with RINKEL_API_TIMEOUT_SECONDS.'
            )
          : new RinkelApiError(
              'network',
              0,
              `${what}: could not reach Rinkel at ${this.baseUrl} (${reason}).`,
              'Check the internet connection (and proxy settings), then retry.'
            );
      }

      if (!error.retryable || attempt >= this.maxRetries) {
        if (error.retryable && attempt > 0) {
          throw new RinkelApiError(
            error.kind,
            error.status,
            `${error.message} Gave up after ${attempt + 1} attempts.`,
            error.fix,
            error.code,
            error.rinkelMessage
          );
        }
        throw error;
      }
      const backoff = this.retryBaseDelayMs * 2 ** attempt;
      const jitter = Math.floor(Math.random() * (this.retryBaseDelayMs / 2));
      const delayMs =
        retryAfterMs !== undefined
          ? Math.min(retryAfterMs, this.retryAfterCapMs)
          : Math.min(backoff + jitter, this.retryMaxDelayMs);
      const asked =
        retryAfterMs === undefined
          ? ''
          : retryAfterMs > this.retryAfterCapMs
            ? ` (Rinkel asked for ${Math.round(retryAfterMs / 1000)} s with Retry-After; waiting at most ${Math.round(this.retryAfterCapMs / 1000)} s)`
            : ` (Retry-After: ${Math.round(retryAfterMs / 1000)} s)`;
      this.onRetry?.({
        attempt: attempt + 1,
        delayMs,
        reason: `${error.message}${asked}`,
        retryAfterMs,
        kind: error.kind
      });
      await this.sleep(delayMs);
    }
  }

  /** GET of a single resource wrapped as `{data: …}`. */
  async getData(path: string, query?: RequestOptions['query']): Promise<unknown> {
    const { body } = await this.request('GET', path, { query, expect: ONE_ENVELOPE });
    return (body as { data: unknown }).data;
  }

  /**
   * Every item of a paginated list (`{data: [...], meta: {pagination: {totalPages, currentPage}}}`).
   * A list answered without pagination metadata is taken as complete.
   */
  async listAll(
    path: string,
    query: RequestOptions['query'] = {},
    perPage = 50
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    const maxPages = 1000;
    for (let page = 1; page <= maxPages; page++) {
      const { body } = await this.request('GET', path, {
        query: { ...query, page, perPage },
        expect: LIST_ENVELOPE
      });
      const data = (body as { data: unknown[] }).data;
      items.push(...data);
      const pagination =
        isRecord(body) && isRecord(body.meta) && isRecord(body.meta.pagination)
          ? body.meta.pagination
          : undefined;
      const totalPages = pagination ? Number(pagination.totalPages) : NaN;
      const currentPage = pagination ? Number(pagination.currentPage ?? page) : page;
      if (!Number.isFinite(totalPages) || currentPage >= totalPages || data.length === 0) {
        return items;
      }
    }
    return items;
  }

  // ---- call detail records (reference §3.1) ----

  /**
   * One page of `GET /call-detail-records` for calls that started between two moments, oldest
   * first, so paging through a fixed window is stable (used by the backfill).
   */
  async listCallDetailRecordsPage(options: {
    startDate: Date;
    endDate?: Date;
    page: number;
    perPage?: number;
  }): Promise<CallDetailRecordPage> {
    const { body } = await this.request('GET', '/call-detail-records', {
      query: {
        startDate: Math.floor(options.startDate.getTime() / 1000),
        endDate: options.endDate ? Math.floor(options.endDate.getTime() / 1000) : undefined,
        sort: 'date',
        sortOrder: 'ASC',
        page: options.page,
        perPage: options.perPage ?? 50
      },
      expect: CDR_PAGE
    });
    // CDR_PAGE checked the shape: data is an array of objects, pagination has whole numbers.
    const page = body as {
      data: Record<string, unknown>[];
      meta: { pagination: { totalPages: number; currentPage: number; totalItems?: unknown } };
    };
    const { totalPages, currentPage, totalItems } = page.meta.pagination;
    if (currentPage !== options.page) {
      throw new RinkelApiError(
        'malformed',
        200,
        `GET /call-detail-records: asked for page ${options.page}, Rinkel answered page ${currentPage}.`,
        'Nothing was taken from that answer. Retry; if it persists, check https://developers.rinkel.com for API changes.'
      );
    }
    return {
      records: page.data,
      page: options.page,
      totalPages,
      totalItems: typeof totalItems === 'number' ? totalItems : null,
      hasNextPage: options.page < totalPages
    };
  }

  // ---- webhooks (reference §2) ----

  async listWebhooks(): Promise<WebhookSubscription[]> {
    const raw = await this.listAll('/webhooks');
    return raw
      .map((item) => parseSubscription(item))
      .filter((s): s is WebhookSubscription => s !== undefined);
  }

  async subscribeWebhook(
    event: RinkelEvent,
    input: WebhookSubscriptionInput
  ): Promise<WebhookSubscription> {
    const { body } = await this.request('POST', `/webhooks/${event}`, {
      body: input,
      expect: SUBSCRIPTION
    });
    return parseSubscription((body as { data: unknown }).data, event) ?? { event, ...input };
  }

  async updateWebhook(
    event: RinkelEvent,
    input: WebhookSubscriptionInput
  ): Promise<WebhookSubscription> {
    const { body } = await this.request('PUT', `/webhooks/${event}`, {
      body: input,
      expect: SUBSCRIPTION
    });
    return parseSubscription((body as { data: unknown }).data, event) ?? { event, ...input };
  }

  async deleteWebhook(event: RinkelEvent): Promise<void> {
    await this.request('DELETE', `/webhooks/${event}`);
  }

  /** Asks Rinkel to send example data for the event to the URL; resolves with the HTTP status. */
  async testWebhook(
    event: RinkelEvent,
    input: { url: string; contentType: WebhookContentType }
  ): Promise<number> {
    const { status } = await this.request('POST', `/webhooks/${event}/test`, { body: input });
    return status;
  }

  // ---- read endpoints for later tools (backfill) ----

  async listUsers(): Promise<Record<string, unknown>[]> {
    return (await this.listAll('/users')).filter(isRecord);
  }

  async listCallDetailRecords(
    query: RequestOptions['query'] = {}
  ): Promise<Record<string, unknown>[]> {
    return (await this.listAll('/call-detail-records', query)).filter(isRecord);
  }

  async getCallDetailRecordByCallId(callId: string): Promise<Record<string, unknown> | undefined> {
    const data = await this.getData(
      `/call-detail-records/by-call-id/${encodeURIComponent(callId)}`,
      {
        includeDetails: true
      }
    );
    return isRecord(data) ? data : undefined;
  }
}

/** Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3); undefined when absent or odd. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeTransportError(error: Error): string {
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return 'timed out';
  }
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string'
      ? `${error.message}: ${code}`
      : `${error.message}: ${cause.message}`;
  }
  return error.message;
}

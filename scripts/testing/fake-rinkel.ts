// A fake Rinkel API on 127.0.0.1 that behaves as ../shared/reference/rinkel-api.md describes:
// header auth (`x-rinkel-api-key`), `{data}` envelopes, the `{errors:[{code,message,detail}]}`
// error format, the 403 plan error, page/perPage pagination with `meta.pagination`, and the
// webhook subscription endpoints (one subscription per event). It records every request and can
// be told to fail the next N requests (dropped connection, 429 or 5xx).
//
// Behaviour not documented by Rinkel is marked [INF] and kept deliberately strict, so the client
// copes with the harsher variant: POST on an event that already has a subscription is a 400,
// PUT/DELETE on one that has none is a 404.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseJsonOrText } from '../clients/http-body';
import { FakeRinkelTelephony } from './fake-rinkel-telephony';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  apiKey?: string;
  body: unknown;
}

export interface FakeSubscription {
  event: string;
  url: string;
  contentType: string;
  active: boolean;
  description?: string;
}

/**
 * 'truncated': 200 with the first half of the real answer (a cut-off body); 'slow': the real
 * answer after `slowMs`.
 */
export type FailureMode = 'network' | 'truncated' | 'slow' | 429 | 500 | 502 | 503;

/** The two kinds of call audio with a stream endpoint (reference §3.7). */
export type AudioKind = 'call-recording' | 'voicemail';

/** A temporary stream URL stays valid this long (reference §3.7: "3 hours"). */
export const STREAM_URL_TTL_MS = 3 * 60 * 60 * 1000;

export interface FakeRinkelOptions {
  apiKey?: string;
  /** 'basic' answers every webhook call with the documented 403 plan error. */
  plan?: 'expert' | 'basic';
  /** When set, POST /webhooks/{event}/test really posts a sample body to the URL. */
  deliverTests?: boolean;
  /** Added to every answer (the benchmark's network assumption). */
  latencyMs?: number;
  /** More requests in flight than this are answered 429 with Retry-After (a rate limit). */
  maxConcurrent?: number;
}

const EVENTS = ['incomingCall', 'outgoingCall', 'callStart', 'callEnd', 'callInsights'];
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

function errorBody(code: string, message: string): unknown {
  return { errors: [{ code, message, detail: 'View more info at developers.rinkel.com' }] };
}

export class FakeRinkel {
  readonly requests: RecordedRequest[] = [];
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly testRequests: {
    event: string;
    url: string;
    contentType: string;
    deliveredStatus?: number;
  }[] = [];
  users: Record<string, unknown>[] = [];
  callDetailRecords: Record<string, unknown>[] = [];
  apiKey: string;
  plan: 'expert' | 'basic';
  deliverTests: boolean;
  latencyMs: number;
  maxConcurrent: number;
  /** Retry-After (seconds, as text) sent with simulated 429s. */
  retryAfter = '0';
  /** How long a 'slow' failure waits before answering. */
  slowMs = 1000;
  /** The most requests that were in flight at once, and how many were refused as over the limit. */
  peakConcurrent = 0;
  /** Pages of GET /call-detail-records that always come back cut off (until removed). */
  readonly truncatePages = new Set<number>();
  rateLimited = 0;
  private inFlight = 0;
  private failures: FailureMode[] = [];
  private rejections: {
    method: string;
    path: string;
    status: number;
    code: string;
    message: string;
  }[] = [];
  /**
   * Audio behind GET /call-recordings/{id}/stream and GET /voicemails/{id}/stream [3P §3.7]: each
   * answers `{data: {url}}`, a temporary URL under `audioBaseUrl` carrying a token; unknown ids
   * are a 404. `streamAudio` serves what such a URL points at.
   */
  readonly audio = new Map<string, { body: Buffer; contentType: string }>();
  /** Where the temporary URLs point (https, as Rinkel's; a host maps it to where it serves audio). */
  audioBaseUrl = 'https://audio.rinkel.test/v1/audio';
  /** When set, the telephony endpoints (users/{id}, dial, numbers, contacts) are answered too. */
  telephony?: FakeRinkelTelephony;
  private readonly audioTokens = new Map<string, { key: string; expiresAt: number }>();
  private truncateNext = false;
  private server?: Server;
  private port = 0;

  private constructor(options: FakeRinkelOptions) {
    this.apiKey = options.apiKey ?? 'test-api-key-123456';
    this.plan = options.plan ?? 'expert';
    this.deliverTests = options.deliverTests ?? false;
    this.latencyMs = options.latencyMs ?? 0;
    this.maxConcurrent = options.maxConcurrent ?? Infinity;
  }

  static async start(options: FakeRinkelOptions = {}): Promise<FakeRinkel> {
    const fake = new FakeRinkel(options);
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(errorBody('FAKE_ERROR', String(error))));
      });
    });
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** Value for RINKEL_API_BASE_URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** The next `count` requests fail in the given way, then the API behaves again. */
  failNext(count: number, mode: FailureMode = 'network'): void {
    for (let i = 0; i < count; i++) {
      this.failures.push(mode);
    }
  }

  /** The next `method path` request (path without the /v1 prefix) gets this error envelope. */
  rejectOnce(method: string, path: string, status: number, code: string, message: string): void {
    this.rejections.push({ method, path, status, code, message });
  }

  /** Audio a temporary URL points at, or undefined when the token is unknown, expired or for other audio. */
  streamAudio(
    kind: AudioKind,
    id: string,
    token: string,
    now = Date.now()
  ): { body: Buffer; contentType: string } | undefined {
    const grant = this.audioTokens.get(token);
    const key = `${kind}/${id}`;
    if (!grant || grant.key !== key || grant.expiresAt < now) {
      return undefined;
    }
    return this.audio.get(key);
  }

  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {}
  ): void {
    if (this.truncateNext) {
      this.truncateNext = false;
      const text = JSON.stringify(body ?? {});
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private paginate(
    res: ServerResponse,
    path: string,
    items: unknown[],
    query: Record<string, string>
  ): void {
    const perPage = Math.max(1, Math.min(50, Number(query.perPage ?? 10) || 10));
    const page = Math.max(1, Number(query.page ?? 1) || 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number | null): string | null =>
      p === null ? null : `https://api.rinkel.com${path}?page=${p}`;
    this.send(res, 200, {
      data: items.slice((page - 1) * perPage, page * perPage),
      meta: {
        pagination: { totalItems: items.length, totalPages, currentPage: page, perPage },
        links: {
          self: link(page),
          first: link(1),
          last: link(totalPages),
          previous: link(page > 1 ? page - 1 : null),
          next: link(page < totalPages ? page + 1 : null)
        }
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.peakConcurrent = Math.max(this.peakConcurrent, this.inFlight);
    try {
      if (this.latencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      }
      if (this.inFlight > this.maxConcurrent) {
        this.rateLimited++;
        for await (const chunk of req) void chunk;
        this.send(res, 429, errorBody('TOO_MANY_REQUESTS', 'Rate limit exceeded'), {
          'Retry-After': this.retryAfter
        });
        return;
      }
      await this.answer(req, res);
    } finally {
      this.inFlight--;
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let raw = '';
    for await (const chunk of req) {
      raw += String(chunk);
    }
    const body = parseJsonOrText(raw);
    const apiKeyHeader = req.headers['x-rinkel-api-key'];
    const method = req.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      apiKey: typeof apiKeyHeader === 'string' ? apiKeyHeader : undefined,
      body
    });

    const failure = this.failures.shift();
    if (failure === 'network') {
      req.socket.destroy();
      return;
    }
    if (failure === 'truncated') {
      this.truncateNext = true;
    } else if (failure === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, this.slowMs));
    } else if (failure !== undefined) {
      this.send(
        res,
        failure,
        errorBody(
          failure === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_SERVER_ERROR',
          'Simulated failure'
        ),
        failure === 429 ? { 'Retry-After': this.retryAfter } : {}
      );
      return;
    }

    const rejection = this.rejections.findIndex(
      (r) => r.method === method && `/v1${r.path}` === url.pathname
    );
    if (rejection >= 0) {
      const [r] = this.rejections.splice(rejection, 1);
      this.send(res, r?.status ?? 400, errorBody(r?.code ?? 'ERROR_CODE', r?.message ?? ''));
      return;
    }
    if (apiKeyHeader !== this.apiKey) {
      this.send(res, 401, errorBody('UNAUTHORIZED', 'Unauthorized'));
      return;
    }
    const path = url.pathname.replace(/^\/v1/, '');
    const query = Object.fromEntries(url.searchParams.entries());

    if (path.startsWith('/webhooks') && this.plan !== 'expert') {
      this.send(res, 403, errorBody('FORBIDDEN', 'Current plan does not include integrations'));
      return;
    }
    if (method === 'GET' && path === '/webhooks') {
      this.paginate(res, '/webhooks', [...this.subscriptions.values()], query);
      return;
    }
    const webhook = /^\/webhooks\/([^/]+)(\/test)?$/.exec(path);
    if (webhook) {
      const event = webhook[1] ?? '';
      if (!EVENTS.includes(event)) {
        this.send(res, 400, errorBody('INVALID_EVENT', `Unknown event ${event}`));
        return;
      }
      if (webhook[2]) {
        if (method !== 'POST') {
          this.send(res, 404, errorBody('NOT_FOUND', 'Not found'));
          return;
        }
        await this.handleTest(res, event, body);
        return;
      }
      await this.handleSubscription(res, method, event, body);
      return;
    }
    if (method === 'GET' && path === '/users') {
      this.paginate(res, '/users', this.users, query);
      return;
    }
    const stream = /^\/(call-recordings|voicemails)\/([^/]+)\/stream$/.exec(path);
    if (method === 'GET' && stream) {
      const kind: AudioKind = stream[1] === 'voicemails' ? 'voicemail' : 'call-recording';
      const id = decodeURIComponent(stream[2] ?? '');
      if (!this.audio.has(`${kind}/${id}`)) {
        this.send(res, 404, errorBody('NOT_FOUND', 'The audio was not found'));
        return;
      }
      const token = randomBytes(16).toString('hex');
      this.audioTokens.set(token, {
        key: `${kind}/${id}`,
        expiresAt: Date.now() + STREAM_URL_TTL_MS
      });
      const url = `${this.audioBaseUrl}/${kind}/${encodeURIComponent(id)}?token=${token}`;
      this.send(res, 200, { data: { url } });
      return;
    }
    if (this.telephony && FakeRinkelTelephony.handles(method, path)) {
      const answer = this.telephony.respond(method, url, apiKeyHeader, body);
      this.send(res, answer.status, answer.payload);
      return;
    }
    if (method === 'GET' && path === '/call-detail-records') {
      if (this.truncatePages.has(Number(query.page ?? 1))) this.truncateNext = true;
      this.paginate(res, '/call-detail-records', this.callDetailRecords, query);
      return;
    }
    const byCallId = /^\/call-detail-records\/by-call-id\/([^/]+)$/.exec(path);
    if (method === 'GET' && byCallId) {
      const cdr = this.callDetailRecords.find((c) => c.callId === byCallId[1]);
      if (cdr) {
        this.send(res, 200, { data: cdr });
      } else {
        this.send(res, 404, errorBody('NOT_FOUND', 'Call detail record not found'));
      }
      return;
    }
    this.send(res, 404, errorBody('NOT_FOUND', `No route for ${method} ${path}`));
  }

  private validate(body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null) {
      return 'Invalid request body';
    }
    const input = body as Record<string, unknown>;
    if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) {
      return 'url must be a valid URI';
    }
    if (typeof input.contentType !== 'string' || !CONTENT_TYPES.includes(input.contentType)) {
      return 'contentType must be application/json or application/x-www-form-urlencoded';
    }
    if (typeof input.active !== 'boolean') {
      return 'active must be a boolean';
    }
    return undefined;
  }

  private async handleSubscription(
    res: ServerResponse,
    method: string,
    event: string,
    body: unknown
  ): Promise<void> {
    const existing = this.subscriptions.get(event);
    if (method === 'DELETE') {
      if (!existing) {
        this.send(res, 404, errorBody('NOT_FOUND', 'Webhook subscription not found'));
        return;
      }
      this.subscriptions.delete(event);
      this.send(res, 204);
      return;
    }
    if (method !== 'POST' && method !== 'PUT') {
      this.send(res, 404, errorBody('NOT_FOUND', 'Not found'));
      return;
    }
    const problem = this.validate(body);
    if (problem) {
      this.send(res, 400, errorBody('INVALID_REQUEST_BODY', problem));
      return;
    }
    if (method === 'POST' && existing) {
      this.send(
        res,
        400,
        errorBody('WEBHOOK_ALREADY_EXISTS', `A webhook for ${event} already exists`)
      ); // [INF]
      return;
    }
    if (method === 'PUT' && !existing) {
      this.send(res, 404, errorBody('NOT_FOUND', 'Webhook subscription not found')); // [INF]
      return;
    }
    const input = body as Record<string, unknown>;
    const subscription: FakeSubscription = {
      url: String(input.url),
      contentType: String(input.contentType),
      event,
      active: input.active === true,
      description: typeof input.description === 'string' ? input.description : undefined
    };
    this.subscriptions.set(event, subscription);
    await Promise.resolve();
    this.send(res, method === 'POST' ? 201 : 200, { data: subscription });
  }

  private async handleTest(res: ServerResponse, event: string, body: unknown): Promise<void> {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (typeof input.url !== 'string' || typeof input.contentType !== 'string') {
      this.send(res, 400, errorBody('INVALID_REQUEST_BODY', 'url and contentType are required'));
      return;
    }
    const record: { event: string; url: string; contentType: string; deliveredStatus?: number } = {
      event,
      url: input.url,
      contentType: input.contentType
    };
    this.testRequests.push(record);
    if (this.deliverTests) {
      try {
        const delivery = await fetch(input.url, {
          method: 'POST',
          headers: { 'Content-Type': input.contentType },
          body: JSON.stringify({
            id: '1c8b83a7c690084224ec3984515bc1a2',
            datetime: '2023-06-14T13:56:24.969Z',
            cause: 'ANSWERED'
          })
        });
        record.deliveredStatus = delivery.status;
        if (!delivery.ok) {
          this.send(
            res,
            400,
            errorBody('WEBHOOK_TEST_FAILED', `The URL answered ${delivery.status}`)
          ); // [INF]
          return;
        }
      } catch {
        this.send(res, 400, errorBody('WEBHOOK_TEST_FAILED', 'The URL could not be reached')); // [INF]
        return;
      }
    }
    this.send(res, 204);
  }
}

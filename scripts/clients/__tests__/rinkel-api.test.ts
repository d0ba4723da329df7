// The Rinkel API client against the fake Rinkel API on loopback.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RinkelApiClient, RinkelApiError, parseRinkelError, toRinkelApiError } from '../rinkel-api';
import { FakeRinkel } from '../../testing/fake-rinkel';
import { REPO_ROOT } from '../../core/paths';

const API_KEY = 'rk_test_key_abcdef';

describe('RinkelApiClient', () => {
  let rinkel: FakeRinkel;
  let api: RinkelApiClient;
  const retries: number[] = [];

  beforeEach(async () => {
    rinkel = await FakeRinkel.start({ apiKey: API_KEY });
    retries.length = 0;
    api = new RinkelApiClient({
      apiKey: API_KEY,
      baseUrl: rinkel.baseUrl,
      retryBaseDelayMs: 1,
      onRetry: (info) => retries.push(info.attempt)
    });
  });

  afterEach(async () => {
    await rinkel.close();
  });

  it('sends the key in the x-rinkel-api-key header and unwraps {data}', async () => {
    rinkel.callDetailRecords = [
      {
        id: '64a6ac4a505f1d324f6cc220',
        callId: 'eff7c60d5790f0b5d54f7d9ee15d0a9f',
        direction: 'inbound'
      }
    ];

    const cdr = await api.getCallDetailRecordByCallId('eff7c60d5790f0b5d54f7d9ee15d0a9f');

    expect(cdr).toEqual(expect.objectContaining({ id: '64a6ac4a505f1d324f6cc220' }));
    expect(rinkel.requests[0]).toEqual(
      expect.objectContaining({
        apiKey: API_KEY,
        path: '/v1/call-detail-records/by-call-id/eff7c60d5790f0b5d54f7d9ee15d0a9f',
        query: { includeDetails: 'true' }
      })
    );
  });

  it('reads every page of a paginated list', async () => {
    const documented = JSON.parse(
      readFileSync(join(REPO_ROOT, 'scripts/testing/fixtures/rinkel-users.json'), 'utf8')
    ) as { data: Record<string, unknown>[] };
    const template = documented.data[0] ?? {};
    rinkel.users = Array.from({ length: 120 }, (_, i) => ({ ...template, id: `user-${i}` }));

    const users = await api.listUsers();

    expect(users.map((u) => u.id)).toEqual(rinkel.users.map((u) => u.id));
    expect(rinkel.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
  });

  it('stops at one page when the answer has no pagination metadata', async () => {
    expect(await api.listAll('/webhooks')).toEqual([]);
    expect(rinkel.requests).toHaveLength(1);
  });

  it('retries dropped connections and 5xx, then succeeds', async () => {
    rinkel.failNext(1, 'network');
    rinkel.failNext(1, 502);

    const hooks = await api.listWebhooks();

    expect(hooks).toEqual([]);
    expect(rinkel.requests).toHaveLength(3);
    expect(retries).toEqual([1, 2]);
  });

  it('honours 429 and retries', async () => {
    rinkel.failNext(1, 429);

    await api.listWebhooks();

    expect(rinkel.requests).toHaveLength(2);
  });

  it('gives up after maxRetries with a network error that says what to check', async () => {
    rinkel.failNext(5, 'network');

    const error = await api.listWebhooks().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RinkelApiError);
    expect((error as RinkelApiError).kind).toBe('network');
    expect((error as RinkelApiError).message).toContain('Gave up after 4 attempts');
    expect((error as RinkelApiError).fix).toContain('internet connection');
    expect(rinkel.requests).toHaveLength(4);
  });

  it('does not retry 4xx answers', async () => {
    rinkel.plan = 'basic';

    const error = (await api.listWebhooks().catch((e: unknown) => e)) as RinkelApiError;

    expect(error.kind).toBe('plan');
    expect(error.status).toBe(403);
    expect(error.message).toContain('Expert plan');
    expect(rinkel.requests).toHaveLength(1);
  });

  it('takes a cut-off 2xx body for a retryable error, never for an empty list', async () => {
    rinkel.subscriptions.set('callEnd', {
      event: 'callEnd',
      url: 'https://x.example/hook',
      contentType: 'application/json',
      active: true
    });
    rinkel.failNext(1, 'truncated');

    expect((await api.listWebhooks()).map((s) => s.event)).toEqual(['callEnd']);
    expect(retries).toEqual([1]);

    rinkel.failNext(4, 'truncated');
    const error = (await api.listWebhooks().catch((e: unknown) => e)) as RinkelApiError;
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('a body that is not JSON (cut off?)');
    expect(error.message).toContain('Gave up after 4 attempts');
  });

  it('refuses a page of calls without the documented pagination', async () => {
    rinkel.callDetailRecords = [{ callId: 'a' }];
    rinkel.failNext(4, 'truncated');

    const error = (await api
      .listCallDetailRecordsPage({ startDate: new Date(0), page: 1 })
      .catch((e: unknown) => e)) as RinkelApiError;

    expect(error.kind).toBe('malformed');
  });

  it('says a 403 on call detail records is about the key, not about webhooks', async () => {
    rinkel.rejectOnce('GET', '/call-detail-records', 403, 'FORBIDDEN', 'Forbidden');

    const error = (await api
      .listCallDetailRecordsPage({ startDate: new Date(0), page: 1 })
      .catch((e: unknown) => e)) as RinkelApiError;

    expect(error.kind).toBe('forbidden');
    expect(error.fix).toContain('access to call detail records');
    expect(`${error.message} ${error.fix}`).not.toMatch(/webhook|Expert plan/i);
  });

  it('says Rinkel did not answer in time, naming the time and the setting', async () => {
    const slow = new RinkelApiClient({
      apiKey: API_KEY,
      baseUrl: rinkel.baseUrl,
      timeoutMs: 100,
      maxRetries: 1,
      retryBaseDelayMs: 1,
      onRetry: (info) => retries.push(info.attempt)
    });
    rinkel.slowMs = 400;
    rinkel.failNext(2, 'slow');

    const error = (await slow.listWebhooks().catch((e: unknown) => e)) as RinkelApiError;

    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer within 0.1 s');
    expect(error.fix).toContain('RINKEL_API_TIMEOUT_SECONDS');
    expect(retries).toEqual([1]);
  });

  it('honours Retry-After up to its cap and reports the wait', async () => {
    const waits: number[] = [];
    const reasons: string[] = [];
    const patient = new RinkelApiClient({
      apiKey: API_KEY,
      baseUrl: rinkel.baseUrl,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      onRetry: (info) => reasons.push(info.reason)
    });
    rinkel.retryAfter = '5';
    rinkel.failNext(1, 429);
    await patient.listWebhooks();
    rinkel.retryAfter = '600';
    rinkel.failNext(1, 429);
    await patient.listWebhooks();

    expect(waits).toEqual([5_000, 60_000]);
    expect(reasons[0]).toContain('(Retry-After: 5 s)');
    expect(reasons[1]).toContain('Rinkel asked for 600 s with Retry-After; waiting at most 60 s');
  });

  it('maps a 404 to notFound', async () => {
    const error = (await api
      .getCallDetailRecordByCallId('nope')
      .catch((e: unknown) => e)) as RinkelApiError;

    expect(error.kind).toBe('notFound');
    expect(error.retryable).toBe(false);
  });
});

describe('Rinkel error format', () => {
  it('reads the documented error envelope', () => {
    const documented: unknown = JSON.parse(
      readFileSync(join(REPO_ROOT, 'scripts/testing/fixtures/rinkel-error.response.json'), 'utf8')
    );

    expect(parseRinkelError(documented)).toEqual({
      code: 'ERROR_CODE',
      message: 'An error occurred while calling the endpoint'
    });
    expect(toRinkelApiError(400, documented, 'POST /webhooks/callEnd').message).toBe(
      'POST /webhooks/callEnd: Rinkel rejected the request (400) — ERROR_CODE: An error occurred while calling the endpoint.'
    );
  });

  it('recognises the plan error by its text, and names the Expert plan either way', () => {
    const plan = toRinkelApiError(
      403,
      { errors: [{ code: 'FORBIDDEN', message: 'Current plan does not include integrations' }] },
      'GET /webhooks'
    );
    const other = toRinkelApiError(403, 'Forbidden', 'GET /webhooks');

    expect(plan.message).toContain('"Current plan does not include integrations"');
    expect(other.message).toContain('Expert plan');
  });

  it('tolerates bodies that are not the envelope', () => {
    expect(parseRinkelError('Bad Gateway')).toEqual({ message: 'Bad Gateway' });
    expect(parseRinkelError(undefined)).toEqual({});
    expect(toRinkelApiError(503, undefined, 'GET /users').retryable).toBe(true);
  });
});

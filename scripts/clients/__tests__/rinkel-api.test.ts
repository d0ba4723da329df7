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

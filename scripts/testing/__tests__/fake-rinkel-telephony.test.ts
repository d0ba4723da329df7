import { FakeRinkelTelephony } from '../fake-rinkel-telephony';

// What the Apex telephony code relies on, against the fake built from the reference: the dial is
// one 204 with no body, a refusal uses Rinkel's error envelope, numbers page with meta.pagination.
describe('fake Rinkel telephony endpoints', () => {
  const fake = new FakeRinkelTelephony('key');
  let base = '';
  const call = (method: string, path: string, body?: unknown, key = 'key') =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'x-rinkel-api-key': key, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });

  beforeAll(async () => {
    base = await fake.start();
    fake.users = [{ id: 'u1', fullName: 'Anna', deviceId: 'd1', defaultOutboundNumber: 'n1' }];
    fake.numbers = Array.from({ length: 3 }, (_, i) => ({
      id: `n${i}`,
      number: `+3185060900${i}`,
      activeUserIds: ['u1']
    }));
  });
  afterAll(() => fake.stop());

  it('looks a user up with the device and the default outbound number', async () => {
    const response = await call('GET', '/users/u1');
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data.deviceId).toBe('d1');
    expect(data.preferences).toMatchObject({ defaultOutboundNumber: 'n1' });
    expect((await call('GET', '/users/nobody')).status).toBe(404);
    expect((await call('GET', '/users/u1', undefined, 'wrong')).status).toBe(401);
  });

  it('dials once with 204 and refuses a number that is not E.164', async () => {
    const ok = await call('POST', '/dial', {
      deviceId: 'd1',
      to: '+31612345678',
      numberId: 'n1',
      anonymous: false
    });
    expect(ok.status).toBe(204);
    expect(await ok.text()).toBe('');
    expect(fake.dials).toEqual([{ deviceId: 'd1', to: '+31612345678', numberId: 'n1' }]);
    const bad = await call('POST', '/dial', { deviceId: 'd1', to: '0612345678' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ code: 'INVALID_REQUEST' }] });
    expect((await call('POST', '/dial', { deviceId: 'd9', to: '+31612345678' })).status).toBe(404);
  });

  it('pages the numbers with their active users', async () => {
    const first = (await (await call('GET', '/numbers?page=1&perPage=2')).json()) as {
      data: unknown[];
      meta: { pagination: { totalPages: number } };
    };
    expect(first.data).toHaveLength(2);
    expect(first.meta.pagination.totalPages).toBe(2);
    expect(first.data[0]).toMatchObject({ activeUserIds: ['u1'], status: 'ACTIVE' });
  });

  it('creates, replaces, finds and deletes contacts, and can answer 429', async () => {
    const created = (await (
      await call('POST', '/contacts', {
        lastName: 'J. de Vries',
        numbers: [{ e164: '+31612345678' }]
      })
    ).json()) as { data: { id: string } };
    const id = created.data.id;
    const replaced = await call('PUT', `/contacts/${id}`, {
      lastName: 'Jan',
      numbers: [{ e164: '+31612345678' }]
    });
    expect(replaced.status).toBe(200);
    expect((await call('GET', '/contacts/find-by-number/%2B31612345678')).status).toBe(200);
    fake.rateLimitNext = 1;
    expect((await call('DELETE', `/contacts/${id}`)).status).toBe(429);
    expect((await call('DELETE', `/contacts/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/contacts/${id}`)).status).toBe(404);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeRinkel } from '../../testing/fake-rinkel';
import { FakeRinkelTelephony } from '../../testing/fake-rinkel-telephony';
import { CallRequestError, createCall, parseCallRequest } from '../calls';

const AGENT = { id: '66AB605DDAC0AF208D5F0DAB', name: 'Anna Agent' };

describe('POST /local/calls body', () => {
  it('fills in an answered inbound call by the local agent with insights and a recording', () => {
    const call = parseCallRequest({ number: '06 12345678' }, AGENT);
    expect(call).toMatchObject({
      number: '06 12345678',
      direction: 'inbound',
      status: 'ANSWERED',
      duration: 75,
      agentId: AGENT.id,
      agentName: 'Anna Agent',
      recording: true,
      ring: false
    });
    expect(call.insights?.summary).toContain('75 s');
  });

  it('gives a missed call no agent, duration, recording or insights', () => {
    const call = parseCallRequest({ number: '06 12345678', status: 'MISSED', duration: 40 }, AGENT);
    expect(call).toMatchObject({ agentId: null, duration: 0, recording: false, insights: null });
  });

  it.each([
    [null, 'JSON object'],
    [{}, '"number" is required'],
    [{ number: '0612', direction: 'sideways' }, '"direction"'],
    [{ number: '0612', status: 'BUSY' }, '"status" must be one of ANSWERED, MISSED, VOICEMAIL'],
    [{ number: '0612', duration: -1 }, '"duration"'],
    [{ number: '0612', duration: 1.5 }, '"duration"'],
    [{ number: '0612', insights: { sentiment: 'POSITIVE' } }, '"insights"'],
    [{ number: '0612', at: 'yesterday' }, '"at"']
  ])('refuses %j with a message naming the field', (body, message) => {
    expect(() => parseCallRequest(body, AGENT)).toThrow(CallRequestError);
    expect(() => parseCallRequest(body, AGENT)).toThrow(message);
  });
});

describe('a call made through the fake', () => {
  let fake: FakeRinkel;
  let site: http.Server;
  let siteUrl = '';
  const posts: { url: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    fake = await FakeRinkel.start({ apiKey: 'k' });
    site = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        posts.push({ url: req.url ?? '', body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise<void>((resolve) => site.close(() => resolve()));
  });
  beforeEach(() => (posts.length = 0));

  const context = () => ({
    fake,
    siteUrl,
    webhookSecret: 'secret/with+chars',
    internalNumber: { id: 'n1', number: '+31850609000' },
    audio: Buffer.from('RIFF'),
    sleep: () => Promise.resolve()
  });

  it('keeps the CDR in the fake and posts ring, callEnd, then callInsights with the secret', async () => {
    const request = parseCallRequest(
      {
        number: '06 12345678',
        ring: true,
        wait: true,
        duration: 42,
        insights: { summary: 'Asked about delivery', sentiment: 'POSITIVE', topics: ['delivery'] }
      },
      AGENT
    );
    const result = await createCall(context(), request);
    expect(result.e164).toBe('+31612345678');
    expect(posts.map((p) => p.url.split('?')[0])).toEqual([
      '/services/apexrest/rinkel/v1/incomingCall',
      '/services/apexrest/rinkel/v1/callEnd',
      '/services/apexrest/rinkel/v1/callInsights'
    ]);
    expect(posts.every((p) => p.url.endsWith('?token=secret%2Fwith%2Bchars'))).toBe(true);
    expect(posts[0]?.body).toMatchObject({
      id: result.callId,
      from: '+31612345678',
      to: '+31850609000'
    });
    expect(posts[1]?.body).toMatchObject({ id: result.callId, cause: 'ANSWERED' });
    expect(posts[2]?.body).toMatchObject({
      id: result.callId,
      summary: 'Asked about delivery',
      topics: ['delivery']
    });
    expect(result.webhooks.map((w) => w.status)).toEqual([200, 200, 200]);

    const response = await fetch(
      `${fake.baseUrl}/call-detail-records/by-call-id/${result.callId}`,
      {
        headers: { 'x-rinkel-api-key': 'k' }
      }
    );
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({
      direction: 'inbound',
      duration: 42,
      status: 'ANSWERED',
      externalNumber: { e164: '+31612345678', localized: '06 12345678' },
      user: { id: AGENT.id, fullName: 'Anna Agent' },
      insights: { summary: 'Asked about delivery', sentiment: 'POSITIVE' }
    });
    const recordingId = (data.callRecording as { id: string }).id;

    const stream = await fetch(`${fake.baseUrl}/call-recordings/${recordingId}/stream`, {
      headers: { 'x-rinkel-api-key': 'k' }
    });
    const { data: link } = (await stream.json()) as { data: { url: string } };
    expect(link.url).toMatch(/^https:\/\//);
    const token = new URL(link.url).searchParams.get('token') ?? '';
    expect(fake.streamAudio('call-recording', recordingId, token)?.body.toString()).toBe('RIFF');
    expect(fake.streamAudio('call-recording', recordingId, 'forged')).toBeUndefined();
    expect(fake.streamAudio('voicemail', recordingId, token)).toBeUndefined();
    expect(
      fake.streamAudio('call-recording', recordingId, token, Date.now() + 4 * 3600_000)
    ).toBeUndefined();
  });

  it('posts callInsights later when not waiting, with the insights in the CDR only then', async () => {
    const request = parseCallRequest({ number: '+31 20 1234567' }, AGENT);
    let release: () => void = () => undefined;
    const later = new Promise<void>((resolve) => (release = resolve));
    const delivered = new Promise<string>((resolve) => {
      void createCall({ ...context(), sleep: () => later }, request, (webhook) =>
        resolve(webhook.event)
      ).then((result) => {
        expect(result.pending).toEqual(['callInsights']);
        const cdr = fake.callDetailRecords.find((c) => c.callId === result.callId);
        expect(cdr?.insights).toBeNull();
        release();
      });
    });
    await expect(delivered).resolves.toBe('callInsights');
    expect(posts.map((p) => p.url.split('?')[0]?.split('/').pop())).toEqual([
      'callEnd',
      'callInsights'
    ]);
  });

  it('refuses a number that is none, before anything is posted', async () => {
    const request = parseCallRequest({ number: 'call me' }, AGENT);
    await expect(createCall(context(), request)).rejects.toThrow('is not a phone number');
    expect(posts).toHaveLength(0);
  });
});

describe('telephony endpoints on the fake Rinkel', () => {
  it('answers dial and users/{id} on the same server as the CDRs, with the same key', async () => {
    const fake = await FakeRinkel.start({ apiKey: 'k' });
    fake.telephony = new FakeRinkelTelephony('k');
    fake.telephony.users = [
      { id: 'u1', fullName: 'Anna', deviceId: 'd1', defaultOutboundNumber: 'n1' }
    ];
    try {
      const headers = { 'x-rinkel-api-key': 'k', 'Content-Type': 'application/json' };
      const user = await fetch(`${fake.baseUrl}/users/u1`, { headers });
      expect(((await user.json()) as { data: { deviceId: string } }).data.deviceId).toBe('d1');
      const dial = await fetch(`${fake.baseUrl}/dial`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ deviceId: 'd1', to: '+31612345678', numberId: 'n1' })
      });
      expect(dial.status).toBe(204);
      expect(fake.telephony.dials).toEqual([
        { deviceId: 'd1', to: '+31612345678', numberId: 'n1' }
      ]);
      const refused = await fetch(`${fake.baseUrl}/dial`, {
        method: 'POST',
        headers: { 'x-rinkel-api-key': 'x' }
      });
      expect(refused.status).toBe(401);
    } finally {
      await fake.close();
    }
  });
});

/**
 * The local org (src/host): the product's own Apex hosted outside tests. Each case checks what a
 * user of `npm start` would see: a webhook posted to the Site ends as one Task on the sample
 * Weborder, fetched from a real HTTP fake of Rinkel; a wrong token changes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeRinkel } from '../../../scripts/testing/fake-rinkel';
import { startLocalOrg, type LocalOrg } from '../src/host/index';
import { CACHE_DIR, ROOT, fixture, webhook as post, type Json } from './support/local-org';

const API_KEY = 'local-org-test-key';

jest.setTimeout(120_000);

let fake: FakeRinkel;
let org: LocalOrg;
let stateDir: string;
const commits: { kind: string; objects: string[] }[] = [];
const events: { channel: string; payload: Record<string, unknown> }[] = [];

beforeAll(async () => {
  fake = await FakeRinkel.start({ apiKey: API_KEY });
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-org-'));
  org = await startLocalOrg({
    root: ROOT,
    packageDirs: ['config/dev-org'],
    stateDir,
    namedCredentialUrls: { Rinkel_API: fake.baseUrl },
    credentialSecrets: { ApiKey: API_KEY },
    cacheDir: CACHE_DIR
  });
  org.onCommit((c) => commits.push(c));
  org.onEvent((m) => events.push({ channel: m.channel, payload: m.data.payload }));
});

afterAll(async () => {
  await org?.close();
  await fake?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

function webhook(event: string, token: string, body: unknown): ReturnType<LocalOrg['rest']> {
  return post(org, event, token, body);
}

test('the fresh org holds the sample Weborders with their E.164 numbers and the setup users', () => {
  const names = org.weborders.map((w) => w.name);
  expect(names).toEqual(['WO-10001', 'WO-10002', 'WO-10003', 'WO-10004', 'WO-10005', 'WO-10006']);
  // the Weborder trigger ran on insert and filled the phone index
  expect(org.weborders.find((w) => w.name === 'WO-10001')?.e164).toBe('+31612345678');
  expect(org.users.agent.username).toBe('agent@rinkel.local');
  expect(org.users.agent.rinkelUserId).toBeTruthy();
  expect(org.secrets.generatedNow).toBe(true);
  expect(org.secrets.webhookSecret.length).toBeGreaterThanOrEqual(32);
});

test('a callEnd posted to the Site ends as one Task on the Weborder, fetched from Rinkel', async () => {
  const callEnd = fixture('callEnd.json');
  const cdr = fixture('call-detail-record.documented.json').data as Json;
  cdr.callId = callEnd.id;
  cdr.externalNumber.e164 = '+31612345678';
  fake.callDetailRecords.push(cdr);

  const res = await webhook('callEnd', org.secrets.webhookSecret, callEnd);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body.toString('utf8'))).toEqual({ ok: true });
  await org.settle();

  // the queued CDR fetch called the fake over HTTP with the External Credential's header
  const fetches = fake.requestsTo('GET', `/v1/call-detail-records/by-call-id/${callEnd.id}`);
  expect(fetches).toHaveLength(1);
  expect(fetches[0]!.apiKey).toBe(API_KEY);
  const tasks = await org.query(
    `SELECT Id, WhatId, CallDurationInSeconds, Rinkel_Call_Id__c FROM Task WHERE Rinkel_Call_Id__c = '${callEnd.id}'`
  );
  expect(tasks).toHaveLength(1);
  const wo = org.weborders.find((w) => w.name === 'WO-10001')!;
  expect(tasks[0]!.WhatId).toBe(wo.id);
  expect(tasks[0]!.CallDurationInSeconds).toBe(60);
  expect(commits.some((c) => c.objects.includes('Task'))).toBe(true);

  // the agent sees it on the timeline, through the product's controller
  const timeline = await org.aura(org.users.agent.username, 'CallTimelineController', 'getCalls', {
    recordId: wo.id
  });
  expect(timeline.ok).toBe(true);
  const calls = (timeline as { value: { calls: { callId: string; durationSeconds: number }[] } })
    .value.calls;
  expect(calls.map((c) => [c.callId, c.durationSeconds])).toEqual([[callEnd.id, 60]]);

  // the published webhook event reached empApi listeners, and its trigger ran as the
  // configured event-processing user (setup's integration user), not as the guest
  const published = events.filter((e) => e.channel === '/event/Rinkel_Webhook__e');
  expect(published.map((e) => e.payload.Call_Id__c)).toEqual([callEnd.id]);
  const rows = await org.query(
    `SELECT CreatedById, Status__c FROM Rinkel_Event__c WHERE Call_Id__c = '${callEnd.id}'`
  );
  expect(rows.map((r) => [r.CreatedById, r.Status__c])).toEqual([
    [org.users.integration.id, 'Processed']
  ]);
});

test('a malformed webhook gets its documented 400 and changes nothing', async () => {
  const before = await org.query('SELECT Id FROM Rinkel_Event__c');
  const published = events.length;
  const res = await org.rest({
    method: 'POST',
    path: `/services/apexrest/rinkel/v1/callEnd?token=${encodeURIComponent(org.secrets.webhookSecret)}`,
    headers: { 'Content-Type': 'application/json' },
    body: Buffer.from('{"id": "abc", '),
    remoteAddress: '127.0.0.1'
  });
  // docs/intake.md: 400 {"error":"bad_request","message":"body is not JSON"}
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body.toString('utf8'))).toEqual({
    error: 'bad_request',
    message: 'body is not JSON'
  });
  await org.settle();
  expect(await org.query('SELECT Id FROM Rinkel_Event__c')).toEqual(before);
  expect(events.length).toBe(published);
});

test('an @AuraEnabled call returns only @AuraEnabled members and refuses a user without class access', async () => {
  const wo = org.weborders[0]!;
  const page = await org.aura(org.users.agent.username, 'CallTimelineController', 'getCalls', {
    recordId: wo.id,
    request: { pageSize: 5 }
  });
  expect(page.ok).toBe(true);
  expect(Object.keys((page as { value: Record<string, unknown> }).value).sort()).toEqual(
    ['calls', 'canListen', 'hasMore', 'nextCursor', 'total'].sort()
  );
  // the integration user has no permission set granting the timeline controller
  const refused = await org.aura(
    org.users.integration.username,
    'CallTimelineController',
    'getCalls',
    { recordId: wo.id }
  );
  expect(refused).toEqual({
    ok: false,
    error: {
      message: "You do not have access to the Apex class named 'CallTimelineController'.",
      exceptionType: 'System.NoAccessException',
      status: 403
    }
  });
});

test('status lists the schedules setup creates with their next run on the org clock', async () => {
  const s = await org.status();
  expect(s.scheduled.map((x) => x.name).sort()).toEqual([
    'Rinkel audit retention',
    'Rinkel contact sync',
    'Rinkel reconciliation'
  ]);
  const clock = Date.parse(s.clock);
  for (const x of s.scheduled) expect(Date.parse(x.nextRun)).toBeGreaterThan(clock);
  expect(s.eventsPending).toBe(0);
});

test('a webhook with a wrong token gets 401 and changes nothing', async () => {
  const before = await org.query('SELECT Id FROM Rinkel_Event__c');
  const res = await webhook('callEnd', 'not-the-secret', fixture('callEnd.json'));
  expect(res.status).toBe(401);
  expect(JSON.parse(res.body.toString('utf8'))).toEqual({ error: 'unauthorized' });
  await org.settle();
  expect(await org.query('SELECT Id FROM Rinkel_Event__c')).toEqual(before);
});

/**
 * The local org across restarts and on its clock (src/host): a call whose CDR is not ready yet
 * waits in a delayed Queueable, survives close() and a new start, and becomes a Task once the
 * delay has passed on the sped-up clock; --reset starts from the seed again; schedules fire.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeRinkel } from '../../../scripts/testing/fake-rinkel';
import { startLocalOrg, type LocalOrg, type LocalOrgOptions } from '../src/host/index';
import { CACHE_DIR, ROOT, fixture, webhook, type Json } from './support/local-org';

const API_KEY = 'local-org-state-key';

jest.setTimeout(180_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let fake: FakeRinkel;
let stateDir: string;
const open: LocalOrg[] = [];

beforeAll(async () => {
  fake = await FakeRinkel.start({ apiKey: API_KEY });
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-org-state-'));
});

afterAll(async () => {
  for (const o of open) await o.close();
  await fake?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function start(extra: Partial<LocalOrgOptions> = {}): Promise<LocalOrg> {
  const org = await startLocalOrg({
    root: ROOT,
    packageDirs: ['config/dev-org'],
    stateDir,
    namedCredentialUrls: { Rinkel_API: fake.baseUrl },
    credentialSecrets: { ApiKey: API_KEY },
    cacheDir: CACHE_DIR,
    ...extra
  });
  open.push(org);
  return org;
}

async function close(org: LocalOrg): Promise<void> {
  await org.close();
  open.splice(open.indexOf(org), 1);
}

/** CDR fetch jobs waiting (the schedules may queue jobs of their own meanwhile). */
async function fetchJobs(org: LocalOrg): Promise<number> {
  return (await org.status()).jobs.filter((j) => j.name === 'RinkelCdrFetchJob').length;
}

async function tasksFor(org: LocalOrg, callId: string): Promise<Record<string, unknown>[]> {
  return org.query(`SELECT Id, WhatId FROM Task WHERE Rinkel_Call_Id__c = '${callId}'`);
}

test('a delayed CDR fetch survives a restart and writes its Task once the delay is over; --reset clears the org', async () => {
  // speed 60: the product's first retry delay of 2 minutes is 2 s of real time
  const first = await start({ reset: true, speed: 60 });
  expect(first.secrets.generatedNow).toBe(true);
  const secret = first.secrets.webhookSecret;
  const callEnd = fixture('callEnd.json');
  callEnd.id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const res = await webhook(first, 'callEnd', secret, callEnd);
  expect(res.status).toBe(200);
  await first.settle();
  // Rinkel has no CDR for the call yet (404): the fetch is queued again with a delay
  const path404 = `/v1/call-detail-records/by-call-id/${callEnd.id}`;
  expect(fake.requestsTo('GET', path404)).toHaveLength(1);
  expect(await fetchJobs(first)).toBe(1);
  expect(await tasksFor(first, callEnd.id)).toEqual([]);
  const stateFile = first.stateFile;
  await close(first);
  expect(fs.existsSync(stateFile)).toBe(true);

  const cdr = fixture('call-detail-record.documented.json').data as Json;
  cdr.callId = callEnd.id;
  cdr.externalNumber.e164 = '+31201234567';
  fake.callDetailRecords.push(cdr);

  const second = await start({ speed: 60 });
  expect(second.secrets).toEqual({
    webhookSecret: secret,
    lookupToken: expect.any(String),
    generatedNow: false
  });
  expect(second.timings.fromCache).toBe(true);
  expect(await fetchJobs(second)).toBe(1);
  // The delay runs on: wait for it on the org's clock. The job fetches the CDR and writes the
  // Task, unless the hourly reconciliation (which at this speed can fire meanwhile) got the
  // call first; either way the user sees exactly one Task and no job left waiting.
  const deadline = Date.now() + 20_000;
  let tasks: Record<string, unknown>[] = [];
  let queued = 1;
  while (Date.now() < deadline) {
    await second.settle();
    tasks = await tasksFor(second, callEnd.id);
    queued = await fetchJobs(second);
    if (tasks.length && !queued) break;
    await sleep(250);
  }
  expect(queued).toBe(0);
  const wo = second.weborders.find((w) => w.name === 'WO-10003')!;
  expect(wo.e164).toBe('+31201234567');
  expect(tasks.map((t) => t.WhatId)).toEqual([wo.id]);
  await close(second);

  const third = await start({ reset: true });
  expect(third.secrets.generatedNow).toBe(true);
  expect(third.secrets.webhookSecret).not.toBe(secret);
  expect(await tasksFor(third, callEnd.id)).toEqual([]);
  expect(third.weborders).toHaveLength(6);
  // the old secret no longer opens the Site
  const refused = await webhook(third, 'callEnd', secret, callEnd);
  expect(refused.status).toBe(401);
  await close(third);
});

test('on a clock sped up to an hour a second, the hourly reconciliation runs and asks Rinkel for calls', async () => {
  const org = await start({ reset: true, speed: 3600 });
  const before = fake.requestsTo('GET', '/v1/call-detail-records').length;
  const deadline = Date.now() + 30_000;
  let fired = 0;
  while (Date.now() < deadline) {
    const rows = await org.query(
      "SELECT TimesTriggered, CronJobDetail.Name FROM CronTrigger WHERE CronJobDetail.Name = 'Rinkel reconciliation'"
    );
    fired = Number(rows[0]?.TimesTriggered ?? 0);
    if (fired > 0) break;
    await sleep(250);
  }
  expect(fired).toBeGreaterThan(0);
  await org.settle();
  const listed = fake
    .requestsTo('GET', '/v1/call-detail-records')
    .slice(before)
    .filter((r) => r.path === '/v1/call-detail-records');
  expect(listed.length).toBeGreaterThan(0);
  await close(org);
});

test('an unreadable state file stops the start with the fix, and is left as it was', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-org-broken-'));
  try {
    const file = path.join(dir, 'org-state.bin');
    fs.writeFileSync(file, 'not a state file');
    await expect(start({ stateDir: dir })).rejects.toThrow(
      /state file .*org-state\.bin cannot be read .*start with --reset to begin again/
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('not a state file');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

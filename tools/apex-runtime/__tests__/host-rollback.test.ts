/**
 * The local org's transactions (src/host/engine.ts, in this thread): a transaction that rolls
 * back leaves no job behind ("Queueable Apex": "If an Apex transaction rolls back, any queueable
 * jobs queued for execution by the transaction aren't processed"); one that commits does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pos } from '../src/ast';
import { Engine } from '../src/host/engine';
import { CACHE_DIR, ROOT } from './support/local-org';
import { AList } from '../src/values';

const AT = { line: 1, col: 1 } as Pos;

jest.setTimeout(120_000);

let engine: Engine;
let stateDir: string;
let secret = '';

beforeAll(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-org-rollback-'));
  engine = new Engine(
    {
      root: ROOT,
      packageDirs: ['config/dev-org'],
      stateDir,
      reset: true,
      speed: 1,
      namedCredentialUrls: {},
      credentialSecrets: {},
      cacheDir: CACHE_DIR
    },
    {
      callout: () => ({ error: 'no callouts in this test' }),
      log: () => undefined,
      event: () => undefined,
      commit: () => undefined
    }
  );
  secret = engine.start().secrets.webhookSecret;
});

afterAll(() => {
  engine?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** Enqueues a CDR fetch job as the admin, then fails the transaction when asked to. */
function enqueue(fail: boolean): { id: string; failed: boolean } {
  const rtm = engine.rtm;
  let id = '';
  const error = engine.transaction('test', rtm.org.userId, () => {
    const cls = rtm.ip.classes.get('rinkelcdrfetchjob')!;
    const job = rtm.ip.instantiate(cls, [new AList({ key: 'id', name: 'Id', args: [] }, [])], AT);
    id = String(rtm.lib.enqueueJob(rtm.ip, [job], AT));
    if (fail) rtm.ip.throwEx('System.DmlException', 'the rest of the request failed', AT);
  });
  return { id, failed: error !== null };
}

function jobRow(id: string): Map<string, unknown> | undefined {
  return engine.rtm.db.table('asyncapexjob').get(id);
}

test('a job queued by a transaction that rolls back is never run, and leaves no job row', () => {
  const r = enqueue(true);
  expect(r.failed).toBe(true);
  expect(r.id).toMatch(/^707/);
  expect(engine.status().jobs.map((j) => j.id)).not.toContain(r.id);
  expect(jobRow(r.id)).toBeUndefined();
});

test('a job queued by a transaction that commits waits in the queue and then runs', () => {
  const r = enqueue(false);
  expect(r.failed).toBe(false);
  expect(engine.status().jobs.map((j) => j.id)).toContain(r.id);
  expect(jobRow(r.id)?.get('status')).toBe('Queued');
  engine.settle();
  expect(engine.status().jobs.map((j) => j.id)).not.toContain(r.id);
  expect(jobRow(r.id)?.get('status')).toBe('Completed');
});

test('a Queueable stopped by a runtime defect is Failed with the reason, and its audit row stays open', () => {
  const rtm = engine.rtm;
  const callId = 'c0ffee00c0ffee00c0ffee00c0ffee00';
  const res = engine.rest({
    method: 'POST',
    path: `/services/apexrest/rinkel/v1/callEnd?token=${encodeURIComponent(secret)}`,
    headers: { 'Content-Type': 'application/json' },
    body: new Uint8Array(Buffer.from(JSON.stringify({ id: callId, cause: 'ANSWERED' })))
  });
  expect(res.status).toBe(200);
  // deliver the event only: its trigger writes the audit row and queues the CDR fetch
  while (rtm.lib.platform.bus.pending.length) engine.pumpOnce();
  const [row] = engine.query(
    `SELECT Id, Status__c FROM Rinkel_Event__c WHERE Call_Id__c = '${callId}'`
  );
  expect(row).toBeDefined();
  const before = row!.Status__c;
  const send = rtm.lib.httpSend;
  rtm.lib.httpSend = () => {
    throw new Error('simulated runtime defect');
  };
  try {
    engine.settle();
  } finally {
    rtm.lib.httpSend = send;
  }
  const failed = [...rtm.db.table('asyncapexjob').values()].filter(
    (r) => r.get('status') === 'Failed'
  );
  expect(failed.map((r) => String(r.get('extendedstatus')))).toEqual([
    expect.stringContaining('a runtime error (simulated runtime defect')
  ]);
  const [after] = engine.query(
    `SELECT Status__c FROM Rinkel_Event__c WHERE Id = '${String(row!.Id)}'`
  );
  expect(after!.Status__c).toBe(before);
  expect(engine.status().jobs).toEqual([]);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBulkApi } from '../../testing/fake-bulk-api';
import { FakeRinkel } from '../../testing/fake-rinkel';
import { SYNTHETIC_START, syntheticCdr, syntheticNumber } from '../../testing/synthetic-cdrs';
import { loadLabels } from '../../twin';
import { RinkelApiClient } from '../../clients/rinkel-api';
import { formatReport, runBackfill, type BackfillOptions, type RinkelPages } from '../run';
import { SalesforceClient } from '../salesforce';
import { readState } from '../state';

const labels = loadLabels();
const SINCE = new Date(SYNTHETIC_START - 60_000);
const UNTIL = new Date(SYNTHETIC_START + 10 * 24 * 3600_000);

let rinkel: FakeRinkel;
let org: FakeBulkApi;
let dir: string;
let lines: string[];

beforeEach(async () => {
  rinkel = await FakeRinkel.start();
  org = await FakeBulkApi.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-'));
  lines = [];
});

afterEach(async () => {
  await rinkel.close();
  await org.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function calls(count: number, anonymousEvery?: number): void {
  rinkel.callDetailRecords = Array.from({ length: count }, (_, i) =>
    syntheticCdr(i, { anonymousEvery })
  );
}

function options(overrides: Partial<BackfillOptions> = {}): BackfillOptions {
  return {
    since: SINCE,
    until: UNTIL,
    resume: false,
    dryRun: false,
    statePath: path.join(dir, 'state.json'),
    ...overrides
  };
}

function deps(pages?: RinkelPages) {
  const client = new RinkelApiClient({
    apiKey: rinkel.apiKey,
    baseUrl: rinkel.baseUrl,
    retryBaseDelayMs: 1
  });
  return {
    rinkel: pages ?? client,
    salesforce: new SalesforceClient(org.session, { pollIntervalMs: 1 }),
    labels,
    log: (line: string) => lines.push(line)
  };
}

describe('backfill', () => {
  it('pages through Rinkel, matches in bulk and upserts through Bulk API jobs', async () => {
    calls(120, 10);
    org.weborders = [
      { Id: 'a01000000000001', Rinkel_Phone_E164__c: syntheticNumber(1), Status__c: 'New' },
      { Id: 'a01000000000002', Rinkel_Phone_E164__c: syntheticNumber(2), Status__c: 'Closed' },
      { Id: 'a01000000000003', Rinkel_Phone_E164__c: syntheticNumber(2), Status__c: 'New' }
    ];

    const report = await runBackfill(options({ maxRecordsPerJob: 100 }), deps());

    expect(report.listed).toBe(120);
    expect(report.pages).toBe(3);
    expect(report.created).toBe(120);
    expect(report.updated).toBe(0);
    expect(report.failed).toBe(0);
    // 12 anonymous calls are never matched; 2 numbers have records; the rest is unmatched.
    expect(report.unmatched).toBe(120 - 12 - 2);
    expect(report.jobs).toHaveLength(2);
    expect(org.tasks.size).toBe(120);
    expect(org.tasks.get('synthetic-call-1')).toMatchObject({
      whatId: 'a01000000000001',
      matchStatus: 'Matched'
    });
    expect(org.tasks.get('synthetic-call-2')).toMatchObject({
      whatId: 'a01000000000003',
      matchStatus: 'Multiple'
    });
    expect(org.tasks.get('synthetic-call-0')?.matchStatus).toBe('Anonymous');
    // The listing asked for the window, oldest first.
    const listed = rinkel.requestsTo('GET', '/v1/call-detail-records');
    expect(listed[0]?.query).toMatchObject({
      startDate: String(Math.floor(SINCE.getTime() / 1000)),
      endDate: String(Math.floor(UNTIL.getTime() / 1000)),
      sortOrder: 'ASC',
      page: '1',
      perPage: '50'
    });
    // Matching is one query per page for all numbers, not one per call.
    expect(org.queries.filter((q) => q.includes('FROM Weborder__c'))).toHaveLength(3);
    expect(readState(path.join(dir, 'state.json'))).toMatchObject({ done: true, nextPage: 4 });
    expect(formatReport(report).join('\n')).toContain('Tasks created: 120');
  });

  it('a second run updates the same Tasks: a call is never logged twice', async () => {
    calls(60);
    await runBackfill(options(), deps());

    const again = await runBackfill(options(), deps());

    expect(again.created).toBe(0);
    expect(again.updated).toBe(60);
    expect(org.tasks.size).toBe(60);
  });

  it('a call listed on two pages of one job is uploaded once', async () => {
    calls(60);
    // Pages shift when a call ends during the run: the last call of page 1 comes again on page 2.
    const shifted = rinkel.callDetailRecords[49];
    if (!shifted) throw new Error('no call 49');
    rinkel.callDetailRecords.splice(50, 0, { ...shifted });

    const report = await runBackfill(options(), deps());

    expect(report.listed).toBe(61);
    expect(report.failed).toBe(0);
    expect(report.created).toBe(60);
    expect(report.skipped).toBe(1);
    expect(report.jobs).toHaveLength(1);
    expect(org.tasks.size).toBe(60);
    expect(formatReport(report).join('\n')).toContain('1 skipped');
  });

  it('reports failed rows with the reason from failedResults', async () => {
    calls(30);
    org.rejectCallIds.set(
      'synthetic-call-7',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION:Calls need a subject:--'
    );
    org.rejectCallIds.set(
      'synthetic-call-8',
      'FIELD_CUSTOM_VALIDATION_EXCEPTION:Calls need a subject:--'
    );

    const report = await runBackfill(options(), deps());

    expect(report.created).toBe(28);
    expect(report.failed).toBe(2);
    expect(report.failureReasons).toEqual({
      'FIELD_CUSTOM_VALIDATION_EXCEPTION:Calls need a subject:--': 2
    });
    expect(report.failures.map((f) => f.callId)).toEqual(['synthetic-call-7', 'synthetic-call-8']);
    expect(formatReport(report).join('\n')).toContain('2× FIELD_CUSTOM_VALIDATION_EXCEPTION');
  });

  it('dry run writes nothing and says what would happen', async () => {
    calls(75, 5);

    const report = await runBackfill(options({ dryRun: true }), deps());

    expect(report.dryRun).toBe(true);
    expect(report.created).toBe(75);
    expect(report.unmatched).toBe(60);
    expect(org.jobs.size).toBe(0);
    expect(org.tasks.size).toBe(0);
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(false);
    expect(formatReport(report)[0]).toContain('Dry run');
  });

  it('--resume continues after the last completed job', async () => {
    calls(250);
    const client = deps().rinkel as RinkelApiClient;
    let failPage: number | undefined = 4;
    const flaky: RinkelPages = {
      listCallDetailRecordsPage: (o) => {
        if (o.page === failPage) {
          return Promise.reject(new Error('Rinkel went away'));
        }
        return client.listCallDetailRecordsPage(o);
      }
    };

    await expect(runBackfill(options({ maxRecordsPerJob: 100 }), deps(flaky))).rejects.toThrow(
      'Rinkel went away'
    );
    const saved = readState(path.join(dir, 'state.json'));
    expect(saved).toMatchObject({ nextPage: 3, done: false });
    expect(org.tasks.size).toBe(100);
    const aborted = [...org.jobs.values()].filter((j) => j.state === 'Aborted');
    expect(aborted).toHaveLength(1);

    failPage = undefined;
    rinkel.requests.length = 0;
    const report = await runBackfill(options({ resume: true, maxRecordsPerJob: 100 }), deps(flaky));

    expect(rinkel.requests.map((r) => r.query.page)).toEqual(['3', '4', '5']);
    expect(report.created).toBe(250);
    expect(org.tasks.size).toBe(250);
    expect(readState(path.join(dir, 'state.json'))?.done).toBe(true);
  });

  it('keeps every job within the upload size and stops on a failed job without losing its place', async () => {
    await org.close();
    // One page of slack: the size is checked after each page.
    org = await FakeBulkApi.start({ maxUploadBytes: 80_000 });
    calls(200);
    org.failNextJob = 'InvalidBatch : Failed to process query: UNABLE_TO_LOCK_ROW';

    await expect(runBackfill(options({ maxBytesPerJob: 20_000 }), deps())).rejects.toThrow(
      'UNABLE_TO_LOCK_ROW'
    );
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(false);

    const report = await runBackfill(options({ maxBytesPerJob: 20_000 }), deps());

    expect(report.created).toBe(200);
    expect(report.jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of org.jobs.values()) {
      expect(job.uploadedBytes).toBeLessThanOrEqual(80_000);
    }
  });

  it('refuses --resume without a state file or with other dates', async () => {
    calls(10);
    await expect(runBackfill(options({ resume: true }), deps())).rejects.toThrow('no state file');
    await runBackfill(options(), deps());
    await expect(
      runBackfill(options({ resume: true, since: new Date('2025-01-01') }), deps())
    ).rejects.toThrow('pass the same dates');
  });

  it('skips calls outside the window and calls without a call id', async () => {
    calls(5);
    rinkel.callDetailRecords.push(
      { ...syntheticCdr(5), date: '2020-01-01T00:00:00.000Z' },
      { ...syntheticCdr(6), callId: '' }
    );

    const report = await runBackfill(options(), deps());

    expect(report.created).toBe(5);
    expect(report.skipped).toBe(2);
  });

  it('reads matching rules and language from the org settings', async () => {
    calls(1);
    org.settings = {
      Match_Object__c: 'Weborder__c',
      Match_Status_Field__c: '-',
      Description_Language__c: 'en_US',
      Default_Country__c: 'NL'
    };
    org.weborders = [
      { Id: 'a01000000000009', Rinkel_Phone_E164__c: syntheticNumber(0), Status__c: 'Closed' }
    ];

    const report = await runBackfill(options(), deps());

    expect(report.created).toBe(1);
    expect(org.tasks.get('synthetic-call-0')).toMatchObject({ whatId: 'a01000000000009' });
    expect(org.queries.find((q) => q.includes('FROM Weborder__c'))).not.toContain('Status__c');
  });

  it('an empty window creates no job', async () => {
    calls(0);

    const report = await runBackfill(options(), deps());

    expect(report.listed).toBe(0);
    expect(org.jobs.size).toBe(0);
  });
});

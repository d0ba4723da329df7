import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBulkApi } from '../../testing/fake-bulk-api';
import { FakeRinkel } from '../../testing/fake-rinkel';
import { SYNTHETIC_START, syntheticCdr, syntheticNumber } from '../../testing/synthetic-cdrs';
import { loadLabels } from '../../twin';
import { RinkelApiClient } from '../../clients/rinkel-api';
import {
  BackfillError,
  ConcurrencyLimit,
  formatReport,
  runBackfill,
  type BackfillDeps,
  type BackfillOptions,
  type RinkelPages
} from '../run';
import { OrgData, openOrg } from '../../clients/salesforce';
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

let salesforce: OrgData;
let limit: ConcurrencyLimit;

async function connect(): Promise<void> {
  const opened = await openOrg({ targetOrg: 'ci', isDefault: false, env: org.env });
  salesforce = new OrgData(opened, { initialMs: 1, maxMs: 5 });
}

beforeEach(async () => {
  await connect();
  limit = new ConcurrencyLimit(4);
});

function client(): RinkelApiClient {
  return new RinkelApiClient({
    apiKey: rinkel.apiKey,
    baseUrl: rinkel.baseUrl,
    retryBaseDelayMs: 1,
    onRetry: (info) => {
      if (info.kind === 'rateLimited') limit.onRateLimited();
    }
  });
}

function deps(pages?: RinkelPages): BackfillDeps {
  return {
    rinkel: pages ?? client(),
    salesforce,
    labels,
    log: (line: string) => lines.push(line),
    rinkelLimit: limit
  };
}

async function failure(run: Promise<unknown>): Promise<BackfillError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e
  );
  if (!(error instanceof BackfillError))
    throw new Error(`expected a BackfillError, got ${String(error)}`);
  return error;
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
    // The org's few numbers are read once (a count, then one page), not per page or per call.
    expect(org.queries.filter((q) => q.includes('FROM Weborder__c'))).toHaveLength(2);
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
    const rinkelClient = client();
    let failPage: number | undefined = 4;
    const flaky: RinkelPages = {
      listCallDetailRecordsPage: (o) => {
        if (o.page === failPage) {
          return Promise.reject(new Error('Rinkel went away'));
        }
        return rinkelClient.listCallDetailRecordsPage(o);
      }
    };

    await expect(runBackfill(options({ maxRecordsPerJob: 100 }), deps(flaky))).rejects.toThrow(
      'Rinkel went away'
    );
    const saved = readState(path.join(dir, 'state.json'));
    expect(saved).toMatchObject({ nextPage: 3, done: false });
    expect(org.tasks.size).toBe(100);
    // The calls of the unfinished job were never sent: no job holds them.
    expect(org.jobs.size).toBe(1);

    failPage = undefined;
    rinkel.requests.length = 0;
    const report = await runBackfill(options({ resume: true, maxRecordsPerJob: 100 }), deps(flaky));

    expect(rinkel.requests.map((r) => r.query.page).sort()).toEqual(['3', '4', '5']);
    expect(report.created).toBe(250);
    expect(org.tasks.size).toBe(250);
    expect(readState(path.join(dir, 'state.json'))?.done).toBe(true);
  });

  it('keeps every job within the upload size and stops on a failed job without losing its place', async () => {
    await org.close();
    // One page of slack: the size is checked after each page.
    org = await FakeBulkApi.start({ maxUploadBytes: 80_000 });
    await connect();
    calls(200);
    org.failNextJob = 'InvalidBatch : Failed to process query: UNABLE_TO_LOCK_ROW';

    await expect(runBackfill(options({ maxBytesPerJob: 20_000 }), deps())).rejects.toThrow(
      'UNABLE_TO_LOCK_ROW'
    );
    expect(readState(path.join(dir, 'state.json'))).toMatchObject({ nextPage: 1, done: false });

    const report = await runBackfill(options({ maxBytesPerJob: 20_000 }), deps());

    expect(report.created).toBe(200);
    expect(report.jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of org.jobs.values()) {
      expect(job.uploadedBytes).toBeLessThanOrEqual(80_000);
    }
  });

  it('refuses --resume without a state file or with other dates', async () => {
    calls(10);
    const none = await failure(runBackfill(options({ resume: true }), deps()));
    expect(none.message).toContain('nothing to resume, no state file');
    expect(none.fix).toContain('Start without --resume');
    await runBackfill(options(), deps());
    const other = await failure(
      runBackfill(options({ resume: true, since: new Date('2025-01-01') }), deps())
    );
    expect(other.message).toContain('not of these dates');
    expect(other.fix).toContain(
      `--since ${SINCE.toISOString()} --until ${UNTIL.toISOString()} --resume`
    );
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

describe('backfill you can trust', () => {
  it('never marks a page done it did not read: a cut-off page stops the run, --resume reads it', async () => {
    calls(300);
    rinkel.truncatePages.add(3);

    const stopped = await failure(runBackfill(options({ maxRecordsPerJob: 100 }), deps()));

    expect(stopped.message).toContain('not JSON (cut off?)');
    expect(stopped.message).toContain('Stopped before page 3 of 6');
    expect(stopped.fix).toContain('--resume');
    expect(readState(path.join(dir, 'state.json'))).toMatchObject({ nextPage: 3, done: false });
    expect(lines.join('\n')).not.toContain('complete');
    expect(org.tasks.size).toBe(100);

    rinkel.truncatePages.clear();
    const report = await runBackfill(options({ resume: true, maxRecordsPerJob: 100 }), deps());

    expect(org.tasks.size).toBe(300);
    expect(report.created).toBe(300);
    expect(readState(path.join(dir, 'state.json'))).toMatchObject({ done: true, nextPage: 7 });
  });

  it('asks Salesforce again after a cut-off query answer, and stops when it stays broken', async () => {
    calls(10);
    org.truncateNextQuery = 1;
    expect((await runBackfill(options(), deps())).created).toBe(10);

    org.truncateNextQuery = 10;
    const stopped = await failure(
      runBackfill(options({ statePath: path.join(dir, 'b.json') }), deps())
    );
    expect(stopped.message).toContain('Salesforce answered with');
  });

  it('reports a settings query that fails instead of matching with defaults', async () => {
    calls(10);
    org.failQueries = /Rinkel_Setting__mdt/;

    const stopped = await failure(runBackfill(options(), deps()));

    expect(stopped.message).toContain('Could not read the matching settings (Rinkel_Setting__mdt)');
    expect(stopped.fix).toContain('Deploy the product');
    expect(org.jobs.size).toBe(0);
  });

  it('Ctrl-C while a job is open aborts it, saves the place and says how to resume', async () => {
    calls(120);
    const stop = new AbortController();
    const upload = salesforce.upload.bind(salesforce);
    salesforce.upload = (jobId, csv) => {
      stop.abort();
      return upload(jobId, csv);
    };

    const stopped = await failure(
      runBackfill(
        options({ signal: stop.signal, command: 'npm run backfill -- --target-org prod' }),
        deps()
      )
    );

    expect(stopped.exitCode).toBe(130);
    expect(stopped.message).toMatch(
      /^Interrupted\. Bulk job 750\w+ was aborted before Salesforce ran it/
    );
    expect(stopped.fix).toBe(
      `Resume with \`npm run backfill -- --target-org prod --since ${SINCE.toISOString()} --until ${UNTIL.toISOString()} --resume\`.`
    );
    expect([...org.jobs.values()].map((j) => j.state)).toEqual(['Aborted']);
    expect(org.tasks.size).toBe(0);
    expect(readState(path.join(dir, 'state.json'))).toMatchObject({ nextPage: 1, done: false });

    salesforce.upload = upload;
    const report = await runBackfill(options({ resume: true }), deps());
    expect(report.created).toBe(120);
  });

  it('Ctrl-C before anything was written still leaves a place --resume can start from', async () => {
    calls(60);
    const stop = new AbortController();
    stop.abort();

    const stopped = await failure(runBackfill(options({ signal: stop.signal }), deps()));
    expect(stopped.exitCode).toBe(130);

    const report = await runBackfill(options({ resume: true }), deps());
    expect(report.created).toBe(60);
  });

  it('fetches a few Rinkel pages at once and backs off when Rinkel answers 429', async () => {
    calls(500);
    rinkel.latencyMs = 20;
    rinkel.maxConcurrent = 2;

    const report = await runBackfill(options(), deps());

    expect(report.created).toBe(500);
    expect(rinkel.peakConcurrent).toBeGreaterThan(1);
    expect(rinkel.rateLimited).toBeGreaterThan(0);
    expect(limit.current).toBeLessThan(4);
  });

  it('asks the org a handful of times per job, not per page', async () => {
    calls(2_000);

    const report = await runBackfill(options(), deps());

    expect(report.created).toBe(2_000);
    expect(report.pages).toBe(40);
    // versions, settings, count + index of numbers, existing Tasks, owners, and the job:
    // create, upload, close, status polls, three result files.
    expect(org.requestCount).toBeLessThanOrEqual(15);
  });

  it('looks numbers up in IN lists per job when the org has too many to index', async () => {
    calls(120, 10);
    org.weborders = [
      { Id: 'a01000000000001', Rinkel_Phone_E164__c: syntheticNumber(1), Status__c: 'New' },
      { Id: 'a01000000000003', Rinkel_Phone_E164__c: syntheticNumber(2), Status__c: 'New' }
    ];

    await runBackfill(options({ lookupIndexLimit: 1 }), deps());

    expect(org.tasks.get('synthetic-call-1')?.whatId).toBe('a01000000000001');
    expect(org.tasks.get('synthetic-call-2')?.whatId).toBe('a01000000000003');
    const lookups = org.queries.filter((q) => q.includes('Rinkel_Phone_E164__c IN'));
    expect(lookups).toHaveLength(1);
  });

  it('shows pages done of the total Rinkel reports and an ETA', async () => {
    calls(150);

    await runBackfill(options({ maxRecordsPerJob: 50 }), deps());

    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pages 1\/3 \(33%\) · 50 calls listed · ETA \d+ s/)
      ])
    );
    expect(lines.some((l) => /pages 3\/3 \(100%\)/.test(l))).toBe(true);
  });
});

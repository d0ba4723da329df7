// npm run bench:backfill [-- --calls 100000 --naive-calls 100000]
//
// Backfills synthetic calls against loopback fakes of the Rinkel API and of Salesforce twice:
// the real tool (Bulk API 2.0 jobs, streamed CSV, matching in bulk per page) and a naive baseline
// that upserts every call with its own REST request (PATCH /sobjects/Task/Rinkel_Call_Id__c/{id};
// it skips matching, which only flatters it). Prints records/second, peak memory and the number of
// HTTP requests of each. Not a test: numbers depend on the machine. The fakes run in this process,
// so peak memory includes them (they keep only call id, Task id and match status per call).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabels, mapCdr } from '../lib/mapping';
import { RinkelApiClient } from '../lib/rinkel-api';
import { runBackfill } from '../lib/backfill/run';
import { SalesforceClient } from '../lib/backfill/salesforce';
import { FakeBulkApi } from '../testing/fake-bulk-api';
import { FakeRinkel } from '../testing/fake-rinkel';
import { SYNTHETIC_START, lazyCdrs, syntheticNumber } from '../testing/synthetic-cdrs';

interface Result {
  name: string;
  records: number;
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  rinkelRequests: number;
  salesforceRequests: number;
}

const labels = loadLabels();
const SINCE = new Date(SYNTHETIC_START - 60_000);

async function measure(
  name: string,
  records: number,
  work: () => Promise<{ rinkel: number; salesforce: number }>
): Promise<Result> {
  global.gc?.();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const timer = setInterval(sample, 25);
  const started = process.hrtime.bigint();
  const requests = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  sample();
  return {
    name,
    records,
    seconds,
    peakRssMb: peakRss / 1024 / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    rinkelRequests: requests.rinkel,
    salesforceRequests: requests.salesforce
  };
}

async function fakes(calls: number): Promise<{ rinkel: FakeRinkel; org: FakeBulkApi }> {
  const rinkel = await FakeRinkel.start();
  rinkel.callDetailRecords = lazyCdrs(calls, { anonymousEvery: 10 });
  const org = await FakeBulkApi.start({ pollsUntilComplete: 1 });
  // One caller in a hundred has a Weborder.
  org.weborders = Array.from({ length: Math.ceil(calls / 100) }, (_, i) => ({
    Id: `a01${String(i).padStart(12, '0')}`,
    Rinkel_Phone_E164__c: syntheticNumber(i * 100 + 1),
    Status__c: 'New'
  }));
  return { rinkel, org };
}

function rinkelClient(rinkel: FakeRinkel): RinkelApiClient {
  return new RinkelApiClient({ apiKey: rinkel.apiKey, baseUrl: rinkel.baseUrl });
}

async function bulk(calls: number): Promise<Result> {
  const { rinkel, org } = await fakes(calls);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-bench-'));
  try {
    const salesforce = new SalesforceClient(org.session, { pollIntervalMs: 5 });
    return await measure('Bulk API 2.0 (this tool)', calls, async () => {
      const report = await runBackfill(
        {
          since: SINCE,
          resume: false,
          dryRun: false,
          statePath: path.join(dir, 'state.json')
        },
        { rinkel: rinkelClient(rinkel), salesforce, labels, log: () => undefined }
      );
      if (report.created !== calls) {
        throw new Error(`expected ${calls} Tasks, got ${report.created}`);
      }
      return { rinkel: rinkel.requests.length, salesforce: org.requestCount };
    });
  } finally {
    await rinkel.close();
    await org.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function naive(calls: number): Promise<Result> {
  const { rinkel, org } = await fakes(calls);
  try {
    const client = rinkelClient(rinkel);
    const base = `${org.instanceUrl}/services/data/v${org.session.apiVersion}/sobjects/Task/Rinkel_Call_Id__c/`;
    return await measure('one REST call per record', calls, async () => {
      let saved = 0;
      for (let page = 1; ; page++) {
        const listed = await client.listCallDetailRecordsPage({ startDate: SINCE, page });
        for (const cdr of listed.records) {
          const { fields } = mapCdr(cdr, { labels, language: 'nl_NL' });
          const { Rinkel_Call_Id__c: callId, ...rest } = fields;
          const response = await fetch(`${base}${encodeURIComponent(callId)}`, {
            method: 'PATCH',
            headers: {
              Authorization: `Bearer ${org.session.accessToken}`,
              'Content-Type': 'application/json'
            },
            body: JSON.stringify({ ...rest, Rinkel_Match_Status__c: 'Unmatched' })
          });
          await response.arrayBuffer();
          saved += response.ok ? 1 : 0;
        }
        if (!listed.hasNextPage) break;
      }
      if (saved !== calls) {
        throw new Error(`expected ${calls} Tasks, got ${saved}`);
      }
      return { rinkel: rinkel.requests.length, salesforce: org.requestCount };
    });
  } finally {
    await rinkel.close();
    await org.close();
  }
}

function print(results: Result[]): void {
  const rows = results.map((r) => [
    r.name,
    String(r.records),
    r.seconds.toFixed(1),
    Math.round(r.records / r.seconds).toLocaleString('en-US'),
    r.peakRssMb.toFixed(0),
    r.peakHeapMb.toFixed(0),
    String(r.rinkelRequests),
    String(r.salesforceRequests),
    String(r.rinkelRequests + r.salesforceRequests)
  ]);
  const header = [
    'run',
    'calls',
    'seconds',
    'records/s',
    'peak RSS MB',
    'peak heap MB',
    'Rinkel req',
    'Salesforce req',
    'HTTP req total'
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { calls: { type: 'string' }, 'naive-calls': { type: 'string' } }
  });
  const calls = Number(values.calls ?? 100_000);
  const naiveCalls = Number(values['naive-calls'] ?? calls);
  console.log(
    `Backfilling ${calls} synthetic calls against loopback fakes (Node ${process.version})…`
  );
  const results = [await bulk(calls)];
  if (naiveCalls > 0) {
    results.push(await naive(naiveCalls));
  }
  print(results);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});

// npm run bench:backfill [-- --calls 100000 --naive-calls 100000]
//
// Backfills synthetic calls against loopback fakes of the Rinkel API and of Salesforce twice:
// the real tool (Bulk API 2.0 jobs, streamed CSV, matching in bulk per page) and a naive baseline
// that upserts every call with its own REST request (PATCH /sobjects/Task/Rinkel_Call_Id__c/{id};
// it skips matching, which only flatters it). Prints records/second, peak memory and the number of
// HTTP requests of each. Not a test: numbers depend on the machine. The fakes run in a child
// process (bench-fakes.ts), so the memory figures are the backfill's own.

import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabels, mapCdr } from '../twin';
import { RinkelApiClient } from '../clients/rinkel-api';
import { runBackfill } from '../backfill/run';
import { OrgData, openOrg } from '../clients/salesforce';
import { SYNTHETIC_START } from '../testing/synthetic-cdrs';
import type { FakesReady, FakesStats } from './bench-fakes';

interface Result {
  name: string;
  records: number;
  seconds: number;
  startRssMb: number;
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
  const startRss = process.memoryUsage().rss;
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
    startRssMb: startRss / 1024 / 1024,
    peakRssMb: peakRss / 1024 / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    rinkelRequests: requests.rinkel,
    salesforceRequests: requests.salesforce
  };
}

interface Fakes {
  ready: FakesReady;
  stats(): Promise<FakesStats>;
  close(): Promise<void>;
}

/** Starts the fakes in a child process and waits until they listen. */
async function fakes(calls: number): Promise<Fakes> {
  const child = fork(path.join(__dirname, 'bench-fakes.ts'), [String(calls)], {
    execArgv: ['--import', 'tsx']
  });
  const next = <T>(): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('error', reject);
    });
  const ready = await next<FakesReady>();
  return {
    ready,
    stats: () => {
      const answer = next<FakesStats>();
      child.send('stats');
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      })
  };
}

function rinkelClient(ready: FakesReady): RinkelApiClient {
  return new RinkelApiClient({ apiKey: ready.apiKey, baseUrl: ready.rinkelBaseUrl });
}

async function bulk(calls: number): Promise<Result> {
  const servers = await fakes(calls);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-bench-'));
  try {
    const opened = await openOrg({
      targetOrg: 'bench',
      isDefault: false,
      env: {
        SALESFORCE_INSTANCE_URL: servers.ready.session.instanceUrl,
        SALESFORCE_ACCESS_TOKEN: servers.ready.session.accessToken
      }
    });
    const salesforce = new OrgData(opened, { initialMs: 5 });
    return await measure('Bulk API 2.0 (this tool)', calls, async () => {
      const report = await runBackfill(
        {
          since: SINCE,
          resume: false,
          dryRun: false,
          statePath: path.join(dir, 'state.json')
        },
        { rinkel: rinkelClient(servers.ready), salesforce, labels, log: () => undefined }
      );
      const stats = await servers.stats();
      if (report.created !== calls || stats.tasks !== calls) {
        throw new Error(`expected ${calls} Tasks, got ${report.created} (${stats.tasks} stored)`);
      }
      return { rinkel: stats.rinkelRequests, salesforce: stats.salesforceRequests };
    });
  } finally {
    await servers.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function naive(calls: number): Promise<Result> {
  const servers = await fakes(calls);
  try {
    const client = rinkelClient(servers.ready);
    const { instanceUrl, apiVersion, accessToken } = servers.ready.session;
    const base = `${instanceUrl}/services/data/v${apiVersion}/sobjects/Task/Rinkel_Call_Id__c/`;
    return await measure('one REST call per record', calls, async () => {
      for (let page = 1; ; page++) {
        const listed = await client.listCallDetailRecordsPage({ startDate: SINCE, page });
        for (const cdr of listed.records) {
          const { fields } = mapCdr(cdr, { labels, language: 'nl_NL' });
          const { Rinkel_Call_Id__c: callId, ...rest } = fields;
          const response = await fetch(`${base}${encodeURIComponent(callId)}`, {
            method: 'PATCH',
            headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ ...rest, Rinkel_Match_Status__c: 'Unmatched' })
          });
          await response.arrayBuffer();
        }
        if (!listed.hasNextPage) break;
      }
      const stats = await servers.stats();
      if (stats.tasks !== calls) {
        throw new Error(`expected ${calls} Tasks, got ${stats.tasks}`);
      }
      return { rinkel: stats.rinkelRequests, salesforce: stats.salesforceRequests };
    });
  } finally {
    await servers.close();
  }
}

function print(results: Result[]): void {
  const rows = results.map((r) => [
    r.name,
    String(r.records),
    r.seconds.toFixed(1),
    Math.round(r.records / r.seconds).toLocaleString('en-US'),
    r.startRssMb.toFixed(0),
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
    'RSS before MB',
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
